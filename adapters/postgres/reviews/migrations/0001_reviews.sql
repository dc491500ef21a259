-- Reviews (the latest revision and the live one the shop shows), the purchases that verify them, the
-- helpful votes and the reports.
CREATE SCHEMA IF NOT EXISTS reviews;

CREATE TABLE reviews.reviews (
    id                text COLLATE "C" PRIMARY KEY,
    product_id        text COLLATE "C" NOT NULL,
    seller_id         text COLLATE "C" NOT NULL,
    author_id         text COLLATE "C" NOT NULL,
    author_name       text        NOT NULL,
    verified          boolean     NOT NULL,
    -- The latest revision, read whole and never queried into.
    revision          integer     NOT NULL,
    content           jsonb       NOT NULL,
    status            text        NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'deleted')),
    rejection_reasons text[]      NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- The live revision (none until one is published, or after it was taken down).
    live_revision     integer,
    live_content      jsonb,
    live_published_at timestamptz,
    -- What the listings filter and sort by, derived from the live content so they can never disagree.
    live_rating       smallint GENERATED ALWAYS AS ((live_content ->> 'rating')::smallint) STORED,
    live_has_photos   boolean GENERATED ALWAYS AS (jsonb_array_length(live_content -> 'photos') > 0) STORED,
    helpful           integer     NOT NULL CHECK (helpful >= 0),
    reports           integer     NOT NULL CHECK (reports >= 0),
    answer_text       text,
    answered_at       timestamptz,
    -- Bumped by every update: a change made from a stale read is refused instead of overwriting.
    version           integer     NOT NULL,
    CHECK ((live_revision IS NULL) = (live_content IS NULL) AND (live_content IS NULL) = (live_published_at IS NULL)),
    CHECK ((answer_text IS NULL) = (answered_at IS NULL))
);

-- One review per customer and product; a deleted one frees the place. It also finds the author's review.
CREATE UNIQUE INDEX reviews_one_per_author ON reviews.reviews (author_id, product_id) WHERE status <> 'deleted';

-- A product's shown reviews in each order the shop offers (ties: newest publication, then id, both last first).
CREATE INDEX reviews_shown_newest ON reviews.reviews (product_id, live_published_at DESC, id DESC)
    WHERE live_published_at IS NOT NULL AND status <> 'deleted';
CREATE INDEX reviews_shown_helpful ON reviews.reviews (product_id, helpful DESC, live_published_at DESC, id DESC)
    WHERE live_published_at IS NOT NULL AND status <> 'deleted';
CREATE INDEX reviews_shown_rating_desc
    ON reviews.reviews (product_id, live_rating DESC, live_published_at DESC, id DESC)
    WHERE live_published_at IS NOT NULL AND status <> 'deleted';
CREATE INDEX reviews_shown_rating_asc
    ON reviews.reviews (product_id, live_rating, live_published_at DESC, id DESC)
    WHERE live_published_at IS NOT NULL AND status <> 'deleted';

-- An author's reviews, last changed first; a seller's shown reviews, newest publication first.
CREATE INDEX reviews_of_author ON reviews.reviews (author_id, updated_at DESC, id DESC) WHERE status <> 'deleted';
CREATE INDEX reviews_of_seller ON reviews.reviews (seller_id, live_published_at DESC, id DESC)
    WHERE live_published_at IS NOT NULL AND status <> 'deleted';

-- Order lines, remembered so that a review of a received product is verified.
CREATE TABLE reviews.purchases (
    order_id    text COLLATE "C" NOT NULL,
    product_id  text COLLATE "C" NOT NULL,
    customer_id text COLLATE "C" NOT NULL,
    seller_id   text COLLATE "C" NOT NULL,
    ordered_at  timestamptz NOT NULL,
    received_at timestamptz,
    PRIMARY KEY (order_id, product_id)
);

CREATE INDEX purchases_received ON reviews.purchases (customer_id, product_id, received_at, order_id)
    WHERE received_at IS NOT NULL;

-- One "helpful" per customer and review; one report per customer and review.
CREATE TABLE reviews.votes (
    review_id text COLLATE "C" NOT NULL,
    voter_id  text COLLATE "C" NOT NULL,
    PRIMARY KEY (review_id, voter_id)
);

CREATE TABLE reviews.reports (
    review_id   text COLLATE "C" NOT NULL,
    reporter_id text COLLATE "C" NOT NULL,
    reason      text        NOT NULL,
    reported_at timestamptz NOT NULL,
    PRIMARY KEY (review_id, reporter_id)
);
