-- Up Migration
-- The system of record: one schema per domain, written by the sink (api/sink/) with idempotent upserts,
-- so replaying or redelivering any event changes nothing. Money is numeric(16,2) beside its currency.
-- Event times are epoch milliseconds (bigint), as in the events.

CREATE SCHEMA IF NOT EXISTS reservations;
CREATE SCHEMA IF NOT EXISTS availability;
CREATE SCHEMA IF NOT EXISTS rates;
CREATE SCHEMA IF NOT EXISTS payments;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS ops;

-- One row per reservation. Status and stay are each last-writer-wins by event time; on a tie the
-- pipeline's decision (rank 1: confirmed, rejected) beats the command it decided (rank 0).
CREATE TABLE reservations.reservation (
  confirmation_number text PRIMARY KEY,
  property_id text NOT NULL,
  guest_id text,
  status text,
  status_event_time bigint NOT NULL DEFAULT 0,
  status_rank int NOT NULL DEFAULT 0,
  detail text,
  room_type text,
  check_in_date date,
  check_out_date date,
  nights int,
  rooms int,
  adults int,
  children int,
  stay_event_time bigint NOT NULL DEFAULT 0,
  total_amount numeric(16, 2),
  currency text,
  total_event_time bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL
);
CREATE INDEX reservation_property_check_in ON reservations.reservation (property_id, check_in_date);

-- Every event that touched a reservation, once (keyed by event id).
CREATE TABLE reservations.status_history (
  event_id text PRIMARY KEY,
  confirmation_number text NOT NULL,
  event_type text NOT NULL,
  status text,
  occurred_at bigint NOT NULL,
  detail text,
  source_topic text NOT NULL
);
CREATE INDEX status_history_reservation ON reservations.status_history (confirmation_number, occurred_at);

-- The availability calendar: the latest state of each (property, room type, night).
CREATE TABLE availability.calendar (
  property_id text NOT NULL,
  room_type text NOT NULL,
  stay_date date NOT NULL,
  capacity int NOT NULL,
  overbooking_allowance int NOT NULL,
  rooms_reserved int NOT NULL,
  rooms_available int NOT NULL,
  occurred_at bigint NOT NULL,
  source_offset bigint NOT NULL,
  last_event_id text NOT NULL,
  PRIMARY KEY (property_id, room_type, stay_date)
);

CREATE TABLE availability.overbooking (
  event_id text PRIMARY KEY,
  property_id text NOT NULL,
  room_type text NOT NULL,
  stay_date date NOT NULL,
  confirmation_number text NOT NULL,
  capacity int NOT NULL,
  rooms_reserved int NOT NULL,
  overbooked_by int NOT NULL,
  occurred_at bigint NOT NULL
);

-- The current rate of each (property, room type, night), and the rates applied to each reservation.
CREATE TABLE rates.current_rate (
  property_id text NOT NULL,
  room_type text NOT NULL,
  stay_date date NOT NULL,
  base_rate numeric(16, 2) NOT NULL,
  rate numeric(16, 2) NOT NULL,
  currency text NOT NULL,
  demand_multiplier numeric(6, 4) NOT NULL,
  occupancy numeric(6, 4) NOT NULL,
  occurred_at bigint NOT NULL,
  source_offset bigint NOT NULL,
  last_event_id text NOT NULL,
  PRIMARY KEY (property_id, room_type, stay_date)
);

CREATE TABLE rates.applied_rate (
  event_id text PRIMARY KEY,
  confirmation_number text NOT NULL,
  property_id text NOT NULL,
  room_type text NOT NULL,
  rooms int NOT NULL,
  rate_plan text NOT NULL,
  room_total numeric(16, 2) NOT NULL,
  currency text NOT NULL,
  nightly_rates jsonb NOT NULL,
  occurred_at bigint NOT NULL
);
CREATE INDEX applied_rate_reservation ON rates.applied_rate (confirmation_number);

-- Payments as a ledger of events; the per-payment totals are a view over it, so there is nothing to
-- keep in step and a replayed event (same id) is simply not inserted again.
CREATE TABLE payments.payment_event (
  event_id text PRIMARY KEY,
  payment_id text NOT NULL,
  confirmation_number text NOT NULL,
  property_id text NOT NULL,
  event_type text NOT NULL,
  amount numeric(16, 2) NOT NULL,
  currency text NOT NULL,
  detail text,
  occurred_at bigint NOT NULL
);
CREATE INDEX payment_event_payment ON payments.payment_event (payment_id, occurred_at);

CREATE VIEW payments.payment AS
SELECT
  payment_id,
  min(confirmation_number) AS confirmation_number,
  min(property_id) AS property_id,
  min(currency) AS currency,
  coalesce(sum(amount) FILTER (WHERE event_type = 'PaymentAuthorized'), 0) AS authorized,
  coalesce(sum(amount) FILTER (WHERE event_type = 'PaymentCaptured'), 0) AS captured,
  coalesce(sum(amount) FILTER (WHERE event_type = 'PaymentRefunded'), 0) AS refunded,
  bool_or(event_type = 'PaymentFailed') AS failed,
  max(occurred_at) AS last_event_at
FROM payments.payment_event
GROUP BY payment_id;

-- Booking KPIs per property and window: the latest result of each window (final once closed).
CREATE TABLE analytics.booking_kpis (
  property_id text NOT NULL,
  window_size_ms bigint NOT NULL,
  window_start bigint NOT NULL,
  window_end bigint NOT NULL,
  window_advance_ms bigint NOT NULL,
  final boolean NOT NULL,
  bookings int NOT NULL,
  cancellations int NOT NULL,
  room_nights int NOT NULL,
  revenue numeric(16, 2) NOT NULL,
  adr numeric(16, 2) NOT NULL,
  revpar numeric(16, 2) NOT NULL,
  currency text NOT NULL,
  available_room_nights int NOT NULL,
  occurred_at bigint NOT NULL,
  source_offset bigint NOT NULL,
  last_event_id text NOT NULL,
  PRIMARY KEY (property_id, window_size_ms, window_start)
);

CREATE TABLE analytics.occupancy (
  property_id text NOT NULL,
  room_type text NOT NULL,
  stay_date date NOT NULL,
  capacity int NOT NULL,
  rooms_reserved int NOT NULL,
  occupancy numeric(6, 4) NOT NULL,
  occurred_at bigint NOT NULL,
  source_offset bigint NOT NULL,
  last_event_id text NOT NULL,
  PRIMARY KEY (property_id, room_type, stay_date)
);

-- Operations: API keys (SHA-256 hashes only) and the record of every dead-letter replay.
CREATE TABLE ops.api_key (
  key_hash text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('booking', 'operator')),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE ops.dlq_replay (
  dlq_topic text NOT NULL,
  dlq_partition int NOT NULL,
  dlq_offset bigint NOT NULL,
  source_topic text NOT NULL,
  target_partition int,
  target_offset bigint,
  replayed_by text NOT NULL,
  replayed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
);

-- Down Migration
DROP SCHEMA IF EXISTS ops CASCADE;
DROP SCHEMA IF EXISTS analytics CASCADE;
DROP SCHEMA IF EXISTS payments CASCADE;
DROP SCHEMA IF EXISTS rates CASCADE;
DROP SCHEMA IF EXISTS availability CASCADE;
DROP SCHEMA IF EXISTS reservations CASCADE;
