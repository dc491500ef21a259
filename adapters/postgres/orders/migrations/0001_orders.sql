-- Orders: one row per checkout. Lines, address and history are written once with the order (lines then
-- only gain their ready_at), so they live beside it as jsonb; no query joins across contexts.
CREATE SCHEMA IF NOT EXISTS orders;

CREATE TABLE orders.orders (
    -- Ids sort bytewise (COLLATE "C"), as the memory adapter and the cursor do.
    id              text COLLATE "C" PRIMARY KEY,
    customer_id     text COLLATE "C" NOT NULL,
    idempotency_key text COLLATE "C" NOT NULL,
    status          text        NOT NULL
        CONSTRAINT orders_status_check CHECK (status IN ('pending', 'awaiting_payment', 'paid', 'shipped',
                                                         'delivered', 'cancelled', 'return_requested', 'refunded')),
    -- [{product_id, seller_id, title, unit_amount, quantity, ready_at}], in the order of the cart.
    lines           jsonb       NOT NULL,
    -- The sellers of the lines (they never change after checkout): what a seller's list filters on.
    seller_ids      text[]      NOT NULL,
    currency        text        NOT NULL,
    total_amount    bigint      NOT NULL CONSTRAINT orders_total_check CHECK (total_amount >= 0),
    address         jsonb       NOT NULL,
    placed_at       timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    paid_at         timestamptz,
    delivered_at    timestamptz,
    cancel_reason   text,
    cancelled_by    text,
    return_reason   text,
    return_refusal  text,
    refunded_amount bigint,
    history         jsonb       NOT NULL,
    -- Bumped by every update; an update expecting an older version lost a race and is refused.
    version         integer     NOT NULL,
    -- A retried checkout (the same Idempotency-Key) never makes a second order.
    CONSTRAINT orders_one_per_checkout UNIQUE (customer_id, idempotency_key)
);

-- Every list is newest first by (placed_at, id): the customer's, the admin's (by status or not), the seller's.
CREATE INDEX orders_by_customer ON orders.orders (customer_id, placed_at, id);
CREATE INDEX orders_by_customer_status ON orders.orders (customer_id, status, placed_at, id);
CREATE INDEX orders_by_placement ON orders.orders (placed_at, id);
CREATE INDEX orders_by_status ON orders.orders (status, placed_at, id);
CREATE INDEX orders_by_seller ON orders.orders USING gin (seller_ids) WHERE paid_at IS NOT NULL;
