-- Up Migration
-- The revenue alerts the topology emits on `analytics.alerts` (processors/topology/analytics/
-- alerts-processor.ts). `analytics.alert` holds each alert's current state, the latest event of its
-- (property, room type, stay date, kind) by source offset (every event of a property comes from one
-- partition, in the topology's order); a cleared alert stays, with status CLEARED. `analytics.alert_event`
-- keeps every event once, by event id: the alert's history.
CREATE TABLE analytics.alert (
  property_id text NOT NULL,
  room_type text NOT NULL,
  stay_date date NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  active boolean NOT NULL,
  sequence int NOT NULL,
  as_of date NOT NULL,
  value numeric(12, 4) NOT NULL,
  threshold numeric(12, 4) NOT NULL,
  detail text NOT NULL,
  raised_at bigint NOT NULL,
  occurred_at bigint NOT NULL,
  source_offset bigint NOT NULL,
  last_event_id text NOT NULL,
  PRIMARY KEY (property_id, room_type, stay_date, kind)
);

-- The active alerts of a property, as an operator lists them.
CREATE INDEX alert_active_by_property ON analytics.alert (property_id, stay_date) WHERE active;

CREATE TABLE analytics.alert_event (
  event_id text PRIMARY KEY,
  property_id text NOT NULL,
  room_type text NOT NULL,
  stay_date date NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  sequence int NOT NULL,
  as_of date NOT NULL,
  value numeric(12, 4) NOT NULL,
  threshold numeric(12, 4) NOT NULL,
  detail text NOT NULL,
  raised_at bigint NOT NULL,
  occurred_at bigint NOT NULL
);

-- Down Migration
DROP TABLE IF EXISTS analytics.alert_event;
DROP TABLE IF EXISTS analytics.alert;
