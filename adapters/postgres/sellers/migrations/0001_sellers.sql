-- Seller accounts with their storefronts, and the published products each seller has.
CREATE SCHEMA IF NOT EXISTS sellers;

CREATE TABLE sellers.sellers (
    -- The applicant's user id. Ids sort bytewise (COLLATE "C"), as the memory adapter and the cursor do.
    id               text COLLATE "C" PRIMARY KEY,
    legal_name       text        NOT NULL,
    display_name     text        NOT NULL,
    country          text        NOT NULL,
    payout_reference text        NOT NULL,
    status           text        NOT NULL
        CONSTRAINT sellers_status_check CHECK (status IN ('pending', 'verified', 'rejected', 'suspended')),
    description      text        NOT NULL,
    logo_url         text,
    reason           text,
    applied_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    decided_at       timestamptz,
    decided_by       text,
    verified_at      timestamptz,
    -- Bumped by every update; an update expecting an older version lost a race and is refused.
    version          integer     NOT NULL
);

-- The admin's lists: one status (pending applications, mostly), oldest application first.
CREATE INDEX sellers_by_status ON sellers.sellers (status, applied_at, id);
CREATE INDEX sellers_by_application ON sellers.sellers (applied_at, id);

-- One row per published product: its seller's product count is the number of rows.
CREATE TABLE sellers.listings (
    product_id text COLLATE "C" PRIMARY KEY,
    seller_id  text COLLATE "C" NOT NULL
);

CREATE INDEX listings_by_seller ON sellers.listings (seller_id);
