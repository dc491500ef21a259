-- Profiles with their preferences, and address books.
CREATE SCHEMA IF NOT EXISTS users;

CREATE TABLE users.profiles (
    user_id       text COLLATE "C" PRIMARY KEY,
    display_name  text        NOT NULL,
    phone         text,
    language      text        NOT NULL,
    currency      text        NOT NULL,
    -- NotificationChoices as {"order_updates": true, ...}: a new choice needs no migration, and a row
    -- written before it existed reads back with the choice's default.
    notifications jsonb       NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE users.addresses (
    id          text COLLATE "C" PRIMARY KEY,
    user_id     text COLLATE "C" NOT NULL,
    label       text        NOT NULL,
    recipient   text        NOT NULL,
    line1       text        NOT NULL,
    line2       text        NOT NULL,
    city        text        NOT NULL,
    region      text        NOT NULL,
    postal_code text        NOT NULL,
    country     text        NOT NULL,
    phone       text,
    is_default  boolean     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- An address book is always read whole, oldest first.
CREATE INDEX addresses_by_user ON users.addresses (user_id, created_at, id);
