-- The signals the activity context derives from shoppers' actions, read by the recommendations: which
-- actions were applied already, each shopper's interests and tastes, products counted together, and
-- products' daily views and sales. Counts only ever grow by upserts (count = count + EXCLUDED.count), so
-- concurrent writers never lose one another's additions.
CREATE SCHEMA IF NOT EXISTS activity;

-- The ids of the actions applied to the signals: a redelivered action is claimed already and counts nothing.
-- claimed_at lets old claims be purged once no redelivery can come that late.
CREATE TABLE activity.claims (
    action_id  text COLLATE "C" PRIMARY KEY,
    claimed_at timestamptz NOT NULL DEFAULT now()
);

-- What a shopper did with each product: how often of each kind, when last of each kind, and when last at all.
CREATE TABLE activity.interests (
    actor             text COLLATE "C" NOT NULL,
    product_id        text COLLATE "C" NOT NULL,
    viewed            integer     NOT NULL DEFAULT 0 CHECK (viewed >= 0),
    carted            integer     NOT NULL DEFAULT 0 CHECK (carted >= 0),
    purchased         integer     NOT NULL DEFAULT 0 CHECK (purchased >= 0),
    last_viewed_at    timestamptz,
    last_carted_at    timestamptz,
    last_purchased_at timestamptz,
    last_at           timestamptz NOT NULL,
    PRIMARY KEY (actor, product_id)
);

-- A shopper's affinity with a category or a brand: the weights of their actions, summed (may go negative).
CREATE TABLE activity.tastes (
    actor     text COLLATE "C" NOT NULL,
    dimension text NOT NULL CHECK (dimension IN ('category', 'brand')),
    value     text COLLATE "C" NOT NULL,
    weight    double precision NOT NULL,
    PRIMARY KEY (actor, dimension, value)
);

-- Products viewed in a row by one shopper, or bought by one customer: one row per direction, so the
-- neighbours of a product are one index range.
CREATE TABLE activity.pairs (
    kind       text NOT NULL CHECK (kind IN ('viewed', 'bought')),
    product_id text COLLATE "C" NOT NULL,
    other_id   text COLLATE "C" NOT NULL,
    count      bigint NOT NULL CHECK (count > 0),
    PRIMARY KEY (kind, product_id, other_id),
    CHECK (product_id <> other_id)
);

-- A product's views and units sold per day, with its category path (root first) and brand as they were.
CREATE TABLE activity.product_days (
    product_id    text COLLATE "C" NOT NULL,
    day           date   NOT NULL,
    category_path text[] COLLATE "C" NOT NULL DEFAULT '{}',
    brand         text COLLATE "C" NOT NULL DEFAULT '',
    views         bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
    units         bigint NOT NULL DEFAULT 0 CHECK (units >= 0),
    PRIMARY KEY (product_id, day)
);

-- The best sellers and most viewed read a window of recent days, within a category at any level.
CREATE INDEX product_days_by_day ON activity.product_days (day);
CREATE INDEX product_days_by_category ON activity.product_days USING gin (category_path);

-- Orders as the activity learns of them: placed (customer and lines, in the order given) and paid (the
-- payment's event), in either order; the lines are purchases once both are known. The first placement and
-- the first payment kept stay.
CREATE TABLE activity.orders (
    order_id      text COLLATE "C" PRIMARY KEY,
    customer_id   text COLLATE "C",
    product_ids   text[] COLLATE "C" NOT NULL DEFAULT '{}',
    quantities    integer[] NOT NULL DEFAULT '{}',
    paid_by       text COLLATE "C",
    paid_at       timestamptz,
    -- When the row was made: old rows can be purged once no late event can still need them.
    remembered_at timestamptz NOT NULL DEFAULT now(),
    CHECK (cardinality(product_ids) = cardinality(quantities)),
    CHECK ((paid_by IS NULL) = (paid_at IS NULL))
);

-- A shopper's remembered orders, for erasure and for a guest's activity claimed at login.
CREATE INDEX orders_of_customer ON activity.orders (customer_id);
