-- The catalogue: the category tree, product cards, and the sellers the catalogue knows are suspended.
CREATE SCHEMA IF NOT EXISTS products;

CREATE TABLE products.categories (
    -- Ids sort bytewise (COLLATE "C"), exactly as the in-memory adapter and the keyset cursors compare them.
    id         text COLLATE "C" PRIMARY KEY,
    parent_id  text COLLATE "C" REFERENCES products.categories (id),
    name       text        NOT NULL,
    slug       text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A slug names one category among its siblings (the roots are siblings too).
CREATE UNIQUE INDEX categories_sibling_slug ON products.categories (coalesce(parent_id, ''), slug);
CREATE INDEX categories_by_parent ON products.categories (parent_id);

CREATE TABLE products.cards (
    id                text COLLATE "C" PRIMARY KEY,
    seller_id         text COLLATE "C" NOT NULL,
    sku               text        NOT NULL,
    status            text        NOT NULL
        CHECK (status IN ('draft', 'pending_moderation', 'published', 'rejected', 'archived')),
    revision          integer     NOT NULL CHECK (revision > 0),
    -- The working revision: what the seller edits and moderation reviews.
    title             text        NOT NULL,
    description       text        NOT NULL,
    brand             text        NOT NULL,
    category_id       text COLLATE "C" NOT NULL REFERENCES products.categories (id),
    attributes        jsonb       NOT NULL,  -- [{"name", "kind", "value" (canonical text)}]
    price_amount      bigint      NOT NULL CHECK (price_amount > 0),
    price_currency    text        NOT NULL,
    rejection_reasons jsonb       NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- The live version customers see, if a revision was approved (and the card is not archived). Its
    -- content is one jsonb document; the columns the shop filters and sorts by are kept beside it.
    live_revision     integer,
    live_published_at timestamptz,
    live_category_id  text COLLATE "C" REFERENCES products.categories (id),
    live              jsonb,
    CONSTRAINT cards_live_whole CHECK (
        (live_revision IS NULL) = (live IS NULL)
        AND (live_revision IS NULL) = (live_published_at IS NULL)
        AND (live_revision IS NULL) = (live_category_id IS NULL)
    )
);

-- SKU unique per seller; an archived card gives its SKU up.
CREATE UNIQUE INDEX cards_seller_sku ON products.cards (seller_id, sku) WHERE status <> 'archived';
-- The seller's list, newest first.
CREATE INDEX cards_by_seller ON products.cards (seller_id, created_at DESC, id DESC);
-- The shop's lists, newest publication first, whole or by category.
CREATE INDEX cards_shown ON products.cards (live_published_at DESC, id DESC) WHERE live_revision IS NOT NULL;
CREATE INDEX cards_shown_by_category ON products.cards (live_category_id, live_published_at DESC, id DESC)
    WHERE live_revision IS NOT NULL;

-- Sellers suspended by the sellers context (from its events): their cards are not shown.
CREATE TABLE products.suspended_sellers (
    seller_id text COLLATE "C" PRIMARY KEY,
    since     timestamptz NOT NULL
);
