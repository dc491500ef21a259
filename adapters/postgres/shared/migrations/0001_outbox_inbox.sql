-- The transactional outbox and the consumers' inbox: one pair per database, in its public schema.

-- Events committed with the change that raised them. The relay publishes pending rows in id order and
-- marks them published (rows are purged later, so a published event can still be inspected).
CREATE TABLE outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       text        NOT NULL,
    type           text        NOT NULL,
    key            text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    payload        jsonb       NOT NULL,
    correlation_id text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    attempts       integer     NOT NULL DEFAULT 0,
    last_error     text,
    published_at   timestamptz,
    -- Set after too many failed publishes: the event is parked (a dead letter) so it blocks no others.
    dead_at        timestamptz,
    CONSTRAINT outbox_event_id_key UNIQUE (event_id)
);

-- What the relay scans: only the pending rows, in order.
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL AND dead_at IS NULL;
-- Keeps the relay's per-key order check cheap.
CREATE INDEX outbox_pending_by_key ON outbox (key, id) WHERE published_at IS NULL AND dead_at IS NULL;
-- For housekeeping (purge of old published rows).
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX outbox_dead ON outbox (dead_at) WHERE dead_at IS NOT NULL;

-- Event ids each consumer group has handled, so a redelivered event is skipped.
CREATE TABLE inbox (
    consumer_group text        NOT NULL,
    event_id       text        NOT NULL,
    processed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, event_id)
);
