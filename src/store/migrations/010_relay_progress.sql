-- The event relay's progress: per partition, the next sequence number not yet acknowledged by
-- the bus. Written only after the bus acked every event below it (src/bus/event-relay.ts), one
-- row write per published page, never per event.
CREATE TABLE relay_progress (
  partition     integer PRIMARY KEY,
  next_sequence bigint NOT NULL CHECK (next_sequence >= 0),
  updated_at    timestamptz NOT NULL
);
