-- Up Migration
-- A refused modification must leave the stay as it was. The API records a modification's new stay at
-- once (read-your-writes); when the pipeline refuses it, the sink restores the previous stay, which the
-- history now keeps, and the restore outranks the modification at the same event time (stay_rank 1).
ALTER TABLE reservations.status_history ADD COLUMN previous_stay jsonb;
ALTER TABLE reservations.reservation ADD COLUMN stay_rank int NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE reservations.reservation DROP COLUMN stay_rank;
ALTER TABLE reservations.status_history DROP COLUMN previous_stay;
