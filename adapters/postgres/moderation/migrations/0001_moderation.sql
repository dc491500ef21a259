-- Moderation cases (one per submitted revision of a subject) and the fingerprints of approved subjects.
CREATE SCHEMA IF NOT EXISTS moderation;

CREATE TABLE moderation.cases (
    id           text COLLATE "C" PRIMARY KEY,
    subject_type text        NOT NULL,
    subject_id   text COLLATE "C" NOT NULL,
    revision     integer     NOT NULL,
    owner_id     text COLLATE "C" NOT NULL,
    -- The submitted content, the findings and the history are read whole and never queried into.
    content      jsonb       NOT NULL,
    findings     jsonb       NOT NULL,
    history      jsonb       NOT NULL,
    status       text        NOT NULL CHECK (status IN ('open', 'decided', 'superseded')),
    approved     boolean,
    reasons      text[]      NOT NULL DEFAULT '{}',
    decided_by   text,
    decided_at   timestamptz,
    opened_at    timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    -- Bumped by every update: a change made from a stale read is refused instead of overwriting.
    version      integer     NOT NULL,
    -- A redelivered submission finds its case instead of opening a second one.
    UNIQUE (subject_type, subject_id, revision)
);

-- The queue, oldest first; closed cases, most recently closed first.
CREATE INDEX cases_queue ON moderation.cases (opened_at, id) WHERE status = 'open';
CREATE INDEX cases_closed ON moderation.cases (status, updated_at DESC, id DESC) WHERE status <> 'open';

CREATE TABLE moderation.fingerprints (
    subject_type    text    NOT NULL,
    subject_id      text COLLATE "C" NOT NULL,
    owner_id        text COLLATE "C" NOT NULL,
    revision        integer NOT NULL,
    title_key       text    NOT NULL,
    brand_key       text    NOT NULL,
    description_key text,
    PRIMARY KEY (subject_type, subject_id)
);

-- The two ways a submission can repeat an approved subject: the owner's title and brand, or the description.
CREATE INDEX fingerprints_by_listing ON moderation.fingerprints (subject_type, owner_id, title_key, brand_key);
CREATE INDEX fingerprints_by_description ON moderation.fingerprints (subject_type, description_key)
    WHERE description_key IS NOT NULL;
