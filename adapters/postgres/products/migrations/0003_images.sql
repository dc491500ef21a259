-- Product images: one row per image a seller asked to upload; the bytes live in object storage.
-- The catalogue's 0001 creates the schema too; each migration stands on its own.
CREATE SCHEMA IF NOT EXISTS products;

CREATE TABLE products.images (
    image_id          text COLLATE "C" PRIMARY KEY,
    product_id        text COLLATE "C" NOT NULL,
    seller_id         text COLLATE "C" NOT NULL,
    object_key        text COLLATE "C" NOT NULL UNIQUE,
    content_type      text        NOT NULL,
    size              bigint      NOT NULL CHECK (size >= 0),
    status            text        NOT NULL CHECK (status IN ('pending', 'ready')),
    position          integer     NOT NULL CHECK (position > 0),
    upload_expires_at timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- Positions are handed out as "the product's last + 1": two requests racing for the same slot (and
    -- so past the per-product limit) collide here, and one of them is refused.
    CONSTRAINT images_position_unique UNIQUE (product_id, position)
);

-- The unique constraint's index serves a product's images in display order and the card's ready URLs.
