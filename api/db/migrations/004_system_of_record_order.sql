-- Up Migration
-- An early check-out shortens the stay (the pipeline gives the unused nights back). The booked stay stays
-- in check_out_date and nights, which a refused check-out must leave untouched; departure_date holds the
-- accepted early departure (set by reservation.checkout, cleared by the refusal of that same check-out),
-- and the effective_* columns are the stay as the pipeline's store holds it.
ALTER TABLE reservations.reservation ADD COLUMN departure_date date;
ALTER TABLE reservations.reservation ADD COLUMN departure_event_id text;
ALTER TABLE reservations.reservation ADD COLUMN effective_check_out_date date GENERATED ALWAYS AS (
  CASE WHEN departure_date IS NULL OR departure_date >= check_out_date THEN check_out_date
       ELSE greatest(departure_date, check_in_date) END) STORED;
ALTER TABLE reservations.reservation ADD COLUMN effective_nights int GENERATED ALWAYS AS (
  CASE WHEN departure_date IS NULL OR departure_date >= check_out_date THEN nights
       ELSE greatest(departure_date, check_in_date) - check_in_date END) STORED;

-- A reservation's status, stay, total and guest as the pipeline's `reservations` store holds them, from the
-- store's changelog (api/sink/reservation-state-upsert.ts): replaced only by a strictly later changelog
-- offset, the order in which the topology wrote the store. Event times are stamped by whichever API instance
-- accepted a command, on its own clock, and so cannot order them. state_event_ids are the events the
-- stored state has applied: the API's own optimistic write of a command not among them still shows until
-- the store catches up.
ALTER TABLE reservations.reservation ADD COLUMN state_offset bigint;
ALTER TABLE reservations.reservation ADD COLUMN state_event_ids text[];

-- Down Migration
ALTER TABLE reservations.reservation DROP COLUMN state_event_ids;
ALTER TABLE reservations.reservation DROP COLUMN state_offset;
ALTER TABLE reservations.reservation DROP COLUMN effective_nights;
ALTER TABLE reservations.reservation DROP COLUMN effective_check_out_date;
ALTER TABLE reservations.reservation DROP COLUMN departure_event_id;
ALTER TABLE reservations.reservation DROP COLUMN departure_date;
