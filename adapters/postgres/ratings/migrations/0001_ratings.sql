-- The ratings aggregates (per product and per seller: how many published reviews gave each number of
-- stars) and what each review gives them now.
CREATE SCHEMA IF NOT EXISTS ratings;

CREATE TABLE ratings.ratings (
    subject_type text    NOT NULL CHECK (subject_type IN ('product', 'seller')),
    subject_id   text COLLATE "C" NOT NULL,
    -- stars[n]: the reviews giving n stars (1 to 5).
    stars        integer[] NOT NULL DEFAULT '{0,0,0,0,0}' CHECK (cardinality(stars) = 5 AND 0 <= ALL (stars)),
    -- Grows with every change, so a reader of RatingUpdated can ignore an older one.
    version      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (subject_type, subject_id)
);

-- The last event applied for each review (its position) and the stars it gives since (NULL: not shown).
CREATE TABLE ratings.contributions (
    review_id  text COLLATE "C" PRIMARY KEY,
    product_id text COLLATE "C" NOT NULL,
    seller_id  text COLLATE "C" NOT NULL,
    position   integer  NOT NULL,
    stars      smallint CHECK (stars BETWEEN 1 AND 5)
);
