-- Up Migration
-- The API's own optimistic writes of commands the `reservations` store has not decided yet: their event
-- ids, and when the last was written. A store state that has not decided every one of them (its
-- state_event_ids lack one) is older than what the client was told, so it moves the row's offset and
-- event ids but leaves status, stay and total as the API wrote them; a state that has decided them all
-- replaces them and clears the list. A list older than a few minutes no longer holds the store back (a
-- command the pipeline never saw must not freeze the row).
ALTER TABLE reservations.reservation ADD COLUMN pending_event_ids text[];
ALTER TABLE reservations.reservation ADD COLUMN pending_since timestamptz;

-- Down Migration
ALTER TABLE reservations.reservation DROP COLUMN pending_since;
ALTER TABLE reservations.reservation DROP COLUMN pending_event_ids;
