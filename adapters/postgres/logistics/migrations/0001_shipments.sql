-- Shipments, one per order, with the carrier's tracking timeline (a jsonb list: it is only ever read whole,
-- with its shipment).
CREATE SCHEMA IF NOT EXISTS logistics;

CREATE TABLE logistics.shipments (
    -- Ids sort bytewise (COLLATE "C"), as the memory adapter and the cursor do.
    id              text COLLATE "C" PRIMARY KEY,
    order_id        text COLLATE "C" NOT NULL UNIQUE,
    customer_id     text COLLATE "C" NOT NULL,
    -- "sandbox" for parcels booked through the carrier's API; a direct carrier's user id otherwise.
    carrier         text COLLATE "C" NOT NULL,
    tracking_number text COLLATE "C" NOT NULL UNIQUE,
    label_url       text        NOT NULL,
    address         jsonb       NOT NULL,
    items           jsonb       NOT NULL,
    status          text        NOT NULL
        CHECK (status IN ('accepted', 'in_transit', 'out_for_delivery', 'delivered', 'lost', 'cancelled')),
    timeline        jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    tracked_at      timestamptz,
    -- Bumped by every update; an update expecting an older version lost a race and is refused.
    version         integer     NOT NULL
);

-- The admin's lists (all, or one status) and a direct carrier's, newest first.
CREATE INDEX shipments_by_creation ON logistics.shipments (created_at, id);
CREATE INDEX shipments_by_status ON logistics.shipments (status, created_at, id);
CREATE INDEX shipments_by_carrier ON logistics.shipments (carrier, created_at, id);
-- The poller: parcels of the API carrier still on their way, least recently tracked first.
CREATE INDEX shipments_on_the_way ON logistics.shipments (carrier, tracked_at NULLS FIRST, id)
    WHERE status IN ('accepted', 'in_transit', 'out_for_delivery');
