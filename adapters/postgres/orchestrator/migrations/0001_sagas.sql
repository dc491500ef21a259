-- The orchestrator's sagas: where each one is (status, step, seq) in columns, what it carries (lines,
-- amount, address, flags) and its log as jsonb. One row per saga; never joined with another context.
CREATE SCHEMA IF NOT EXISTS orchestrator;

CREATE TABLE orchestrator.sagas (
    -- The order id (checkout) or refund:<order id>. Ids sort bytewise (COLLATE "C"), as the cursor does.
    id          text COLLATE "C" PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('checkout', 'refund')),
    order_id    text        NOT NULL,
    customer_id text        NOT NULL,
    status      text        NOT NULL
        CHECK (status IN ('running', 'completed', 'cancelled', 'lost_refunded', 'failed')),
    step        text        NOT NULL,
    -- Bumped by every move between steps: a desk's answer applies only at the seq it was asked at.
    seq         integer     NOT NULL,
    state       jsonb       NOT NULL,
    log         jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    -- Bumped by every update; an update expecting an older version lost a race and is refused.
    version     integer     NOT NULL
);

-- The admin's lists, oldest first: all, of one kind, of one status, or both.
CREATE INDEX sagas_by_creation ON orchestrator.sagas (created_at, id);
CREATE INDEX sagas_by_kind ON orchestrator.sagas (kind, status, created_at, id);
CREATE INDEX sagas_by_status ON orchestrator.sagas (status, created_at, id);
-- The sweeper's look-up: running sagas, longest untouched first.
CREATE INDEX sagas_running ON orchestrator.sagas (updated_at, id) WHERE status = 'running';
