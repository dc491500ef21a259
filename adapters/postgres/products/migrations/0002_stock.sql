-- Stock: units on hand per product, and each order's reservation of them.
-- The catalogue's 0001 creates the schema too; each migration stands on its own.
CREATE SCHEMA IF NOT EXISTS products;

CREATE TABLE products.stock_items (
    -- Ids sort bytewise (COLLATE "C"): items are locked in this order, the order the memory adapter uses.
    product_id text COLLATE "C" PRIMARY KEY,
    seller_id  text COLLATE "C" NOT NULL,
    on_hand    integer     NOT NULL CHECK (on_hand >= 0),
    -- The units the reservations still hold (their sum, kept by every change): available = on_hand - reserved
    -- in one row, and the last guard against overselling should a lock ever be missed.
    reserved   integer     NOT NULL CHECK (reserved >= 0),
    updated_at timestamptz NOT NULL,
    CONSTRAINT stock_items_not_oversold CHECK (reserved <= on_hand)
);

CREATE INDEX stock_items_by_seller ON products.stock_items (seller_id);

-- One row per line of an order's reservation; the rows outlive restarts, so a reserve, release or commit
-- repeated for the same order finds what was done and changes nothing.
CREATE TABLE products.stock_reservations (
    order_id    text COLLATE "C" NOT NULL,
    product_id  text COLLATE "C" NOT NULL,
    position    smallint    NOT NULL,  -- the line's place in the order, as it was asked for
    quantity    integer     NOT NULL CHECK (quantity > 0),
    state       text        NOT NULL CHECK (state IN ('reserved', 'failed', 'released', 'committed')),
    -- On a failed reservation: this line could not be had in full.
    unavailable boolean     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

-- An item's holds: the lines still reserved of that product.
CREATE INDEX stock_reservations_held ON products.stock_reservations (product_id) WHERE state = 'reserved';
