-- Credentials and roles. Sessions live in Redis, not here.
CREATE SCHEMA IF NOT EXISTS auth;

CREATE TABLE auth.accounts (
    -- Ids sort bytewise (COLLATE "C"), exactly as the in-memory adapter and the keyset cursor compare them.
    id                  text COLLATE "C" PRIMARY KEY,
    email               text        NOT NULL,
    password_hash       text        NOT NULL,
    roles               text[]      NOT NULL,
    created_at          timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL,
    last_login_at       timestamptz
);

-- Emails are stored normalised (trimmed, lower case), so a plain unique index suffices.
CREATE UNIQUE INDEX accounts_email_key ON auth.accounts (email);
