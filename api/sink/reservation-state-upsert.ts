/**
 * The reservation row from the pipeline's `reservations` store: the sink reads the store's changelog
 * (`<applicationId>-reservations-changelog`, keyed by confirmation number) and writes status, stay, total
 * and guest as the store holds them, replaced only by a strictly later changelog offset. A confirmation
 * number's changelog records are all in one partition, written in the order the topology decided, so the
 * row ends equal to the store whatever the interleaving of commands, the API instances' clocks or a
 * failover; a replay changes nothing. Once a row has a store state, the event topics no longer move its
 * status, stay or total (see `reservation-upserts.ts`), except the API's own optimistic write of a command
 * the store has not applied yet; and a state that has not decided such a command yet leaves them as the
 * API wrote them (`pending_event_ids`), so that a client never reads its accepted command undone.
 */
import type { PoolClient } from 'pg';
import { money } from '../../processors/domain/money.js';
import { toEventMoney } from '../../processors/topology/event-values.js';
import type { ReservationState } from '../../processors/topology/reservation-state.js';

/** How long the API's optimistic write of an undecided command holds an older store state back. */
export const PENDING_HOLD_MINUTES = 5;

/**
 * True when the row shows an optimistic write of a command this state has not decided (and that write is
 * recent): the state is older than what the API told its client, so status, stay and total stay as written.
 */
const HELD = `(r.pending_since > now() - interval '${PENDING_HOLD_MINUTES} minutes' AND EXISTS (
  SELECT 1 FROM unnest(r.pending_event_ids) AS p(id) WHERE NOT (p.id = ANY(excluded.state_event_ids))))`;

/** `column` from the state, unless {@link HELD}; `value` is the state's value (`excluded.<column>` by default). */
const follow = (column: string, value = `excluded.${column}`) =>
  `${column} = CASE WHEN ${HELD} THEN r.${column} ELSE ${value} END`;

const UPSERT_STATE = `
INSERT INTO reservations.reservation AS r (
  confirmation_number, property_id, guest_id, status, status_event_time, detail,
  room_type, check_in_date, check_out_date, nights, rooms, adults, children, stay_event_time,
  total_amount, currency, total_event_time, created_at, state_offset, state_event_ids)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $5, $14, $15, $5, $16, $17, $18)
ON CONFLICT (confirmation_number) DO UPDATE SET
  guest_id = excluded.guest_id,
  ${follow('status')},
  ${follow('status_event_time')},
  -- The events' detail (a rejection's reason and message, a cancellation's reason) says more than the
  -- store's rejection reason: kept while the status is the one it explains.
  ${follow('detail', 'CASE WHEN excluded.status IS NOT DISTINCT FROM r.status THEN r.detail ELSE excluded.detail END')},
  ${[
    'room_type',
    'check_in_date',
    'check_out_date',
    'nights',
    'rooms',
    'adults',
    'children',
    'stay_event_time',
  ]
    .map((column) => follow(column))
    .join(',\n  ')},
  ${follow('total_amount', 'coalesce(excluded.total_amount, r.total_amount)')},
  ${follow('currency', 'coalesce(excluded.currency, r.currency)')},
  ${follow('total_event_time')},
  -- The store's stay is already cut short by an early departure.
  ${follow('departure_date', 'NULL')},
  ${follow('departure_event_id', 'NULL')},
  created_at = least(r.created_at, excluded.created_at),
  state_offset = excluded.state_offset,
  state_event_ids = excluded.state_event_ids,
  pending_event_ids = CASE WHEN ${HELD} THEN (SELECT array_agg(p.id) FROM unnest(r.pending_event_ids) AS p(id)
    WHERE NOT (p.id = ANY(excluded.state_event_ids))) END,
  pending_since = CASE WHEN ${HELD} THEN r.pending_since END
WHERE r.state_offset IS NULL OR excluded.state_offset > r.state_offset`;

/**
 * Writes `state`, the value of the `reservations` store's changelog at `offset`, unless the row already
 * holds a state from a later (or the same) offset. A tombstone (the store purging a reservation past its
 * retention) is not passed here: the system of record keeps the reservation.
 */
export async function upsertReservationState(
  client: PoolClient,
  state: ReservationState,
  offset: string,
): Promise<void> {
  const total =
    state.price === null ? null : toEventMoney(money(state.price.totalMinor, state.price.currency));
  const s = state.stay;
  await client.query(UPSERT_STATE, [
    state.confirmationNumber,
    state.propertyId,
    state.guestId,
    state.status,
    state.updatedAt,
    state.status === 'REJECTED' ? state.rejection : null,
    s.roomType,
    s.checkInDate,
    s.checkOutDate,
    s.nights,
    s.rooms,
    s.adults,
    s.children,
    total?.amount ?? null,
    total?.currency ?? null,
    state.createdAt,
    offset,
    [...state.appliedEventIds],
  ]);
}
