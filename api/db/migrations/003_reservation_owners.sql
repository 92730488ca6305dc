-- Up Migration
-- Which API client made each reservation (the `name` of its API key): only that client, or an operator,
-- may read or act on it. Written by the API before the reservation's event is produced, so no
-- reservation exists without its owner; the first writer wins (a retry of the same booking writes again).
CREATE TABLE ops.reservation_owner (
  confirmation_number text PRIMARY KEY,
  client text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE ops.reservation_owner;
