-- Payments (one per order) and the gateway's webhook events already handled. No card data is stored:
-- payment_token is the gateway's token for a card, kept to repeat an authorization.
CREATE SCHEMA IF NOT EXISTS payments;

CREATE TABLE payments.payments (
    -- Ids sort bytewise (COLLATE "C"), as the memory adapter and the cursor do.
    id               text COLLATE "C" PRIMARY KEY,
    order_id         text COLLATE "C" NOT NULL CONSTRAINT payments_one_per_order UNIQUE,
    customer_id      text        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount > 0),
    currency         char(3)     NOT NULL,
    captured         bigint,
    refunded         bigint,
    status           text        NOT NULL CHECK (status IN (
        'authorizing', 'capturing', 'voiding', 'refunding',
        'authorized', 'declined', 'failed', 'captured', 'voided', 'refunded')),
    authorization_id text,
    payment_token    text        NOT NULL,
    attempts         integer     NOT NULL,
    next_attempt_at  timestamptz,
    last_error       text,
    failure          text,
    history          jsonb       NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    -- Bumped by every update; an update expecting an older version lost a race and is refused.
    version          integer     NOT NULL
);

-- The payment error worker's scan: only payments with an operation in flight, most overdue first.
CREATE INDEX payments_due ON payments.payments (next_attempt_at, id)
    WHERE status IN ('authorizing', 'capturing', 'voiding', 'refunding');
-- The admin's lists, newest first, of one status or all.
CREATE INDEX payments_by_status ON payments.payments (status, created_at, id);
CREATE INDEX payments_by_creation ON payments.payments (created_at, id);

CREATE TABLE payments.webhook_events (
    event_id    text PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now()
);
