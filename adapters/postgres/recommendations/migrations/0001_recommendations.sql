-- The recommendations context: each user's personal list (stored whole, as built) and the queue of the
-- lists to build. Never joined with another context.
CREATE SCHEMA IF NOT EXISTS recommendations;

CREATE TABLE recommendations.personal_lists (
    -- Ids sort bytewise (COLLATE "C"), as Python orders them in the memory adapter.
    user_id  text COLLATE "C" PRIMARY KEY,
    -- [{product_id, score, reason, because_of}], best first: read and replaced whole, never queried.
    picks    jsonb       NOT NULL,
    built_at timestamptz NOT NULL,
    -- Its last build failed: readers get the base feed until a build succeeds.
    failed   boolean     NOT NULL DEFAULT false
);

-- The batch refresh: lists built longest ago first.
CREATE INDEX personal_lists_by_age ON recommendations.personal_lists (built_at, user_id);

-- One row per user whose list is to be built; deleted once built (unless marked again meanwhile).
CREATE TABLE recommendations.builds (
    user_id      text COLLATE "C" PRIMARY KEY,
    due_at       timestamptz NOT NULL,
    -- The latest mark; a build taken before it is built again.
    marked_at    timestamptz NOT NULL,
    -- Failed builds so far: > 0 is the recommendation error worker's, due after its backoff.
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   text        NOT NULL DEFAULT '',
    -- A builder holds it until then (NULL: nobody); another take skips it meanwhile.
    leased_until timestamptz
);

-- The builders' look-up: due builds, earliest first.
CREATE INDEX builds_by_due ON recommendations.builds (due_at, user_id);
