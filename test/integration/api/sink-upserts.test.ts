import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../api/db/migrate.js';
import { applyDomainEvent } from '../../../api/sink/domain-upserts.js';
import { PostgresReservationLedger } from '../../../api/sink/postgres-ledger.js';
import { PENDING_HOLD_MINUTES, upsertReservationState } from '../../../api/sink/reservation-state-upsert.js';
import { applyReservationEvent } from '../../../api/sink/reservation-upserts.js';
import type { ReservationState } from '../../../processors/topology/reservation-state.js';
import type {
  AnalyticsAlert,
  AvailabilityOverbooked,
  AvailabilityUpdated,
  BookingKpis,
  PaymentFailed,
  RateApplied,
  RateUpdated,
  ReservationCancelled,
  ReservationCheckedOut,
  ReservationConfirmed,
  ReservationCreated,
  ReservationModified,
  ReservationRejected,
  RoomTypeOccupancy,
  StayDetails,
} from '../../../schemas/generated/types.js';
import { createDatabase } from './api-instance.js';

const stay: StayDetails = {
  checkInDate: '2027-05-01',
  checkOutDate: '2027-05-03',
  nights: 2,
  roomType: 'STD',
  rooms: 1,
  adults: 2,
  children: 0,
};
const eur = (amount: string) => ({ amount, currency: 'EUR' });

function created(n: string, at: number): ReservationCreated {
  return {
    eventId: `${n}:created`,
    eventType: 'ReservationCreated',
    occurredAt: at,
    confirmationNumber: n,
    propertyId: 'LIS-ALFAMA',
    channel: 'DIRECT',
    guestDetails: {
      guestId: 'G1',
      firstName: 'A',
      lastName: 'B',
      email: 'a@b.co',
      phone: null,
      loyaltyId: null,
      countryCode: null,
    },
    stayDetails: stay,
    pricingDetails: {
      ratePlan: 'BAR',
      nightlyRates: [],
      roomTotal: eur('258.00'),
      taxes: eur('0.00'),
      fees: eur('0.00'),
      totalAmount: eur('258.00'),
    },
    paymentToken: 'tok_abcdefgh',
    idempotencyKey: null,
  };
}
function confirmed(n: string, at: number): ReservationConfirmed {
  return {
    eventId: `${n}:confirmed`,
    eventType: 'ReservationConfirmed',
    occurredAt: at,
    confirmationNumber: n,
    propertyId: 'LIS-ALFAMA',
    guestId: 'G1',
    stayDetails: stay,
    totalAmount: eur('280.00'),
    paymentId: `PAY-${n}`,
    authorizationCode: 'A1',
  };
}
function cancelled(n: string, at: number): ReservationCancelled {
  return {
    eventId: `${n}:cancelled`,
    eventType: 'ReservationCancelled',
    occurredAt: at,
    confirmationNumber: n,
    propertyId: 'LIS-ALFAMA',
    stayDetails: stay,
    previousStatus: 'CONFIRMED',
    reason: 'GUEST_REQUEST',
    freeCancellationDeadline: at + 1,
    withinFreeCancellation: true,
    cancellationFee: eur('0.00'),
    refundAmount: eur('280.00'),
  };
}
/** The modification of `n`'s stay to `to`, made at 3 000. */
function modifiedTo(n: string, to: StayDetails): ReservationModified {
  return {
    eventId: `${n}:modified`,
    eventType: 'ReservationModified',
    occurredAt: 3_000,
    confirmationNumber: n,
    propertyId: 'LIS-ALFAMA',
    previousStayDetails: stay,
    stayDetails: to,
    pricingDetails: created(n, 0).pricingDetails,
    reason: null,
  };
}
function refused(
  n: string,
  at: number,
  currentStatus: ReservationRejected['currentStatus'],
): ReservationRejected {
  return {
    eventId: `${n}:refused:${at}`,
    eventType: 'ReservationRejected',
    occurredAt: at,
    confirmationNumber: n,
    propertyId: 'LIS-ALFAMA',
    stayDetails: stay,
    reason: 'INVALID_TRANSITION',
    fullNights: [],
    currentStatus,
    refusedAction: 'ReservationCancelled',
    detail: 'not allowed',
  };
}

/** The `reservations` store's value for `n` as its changelog carries it. */
function storeState(
  n: string,
  status: ReservationState['status'],
  ids: string[],
  stayOf: StayDetails = stay,
): ReservationState {
  return {
    confirmationNumber: n,
    propertyId: 'LIS-ALFAMA',
    guestId: 'G1',
    status,
    stay: stayOf,
    price: {
      currency: 'EUR',
      ratePlan: 'BAR',
      nightly: [],
      roomTotalMinor: 25_800,
      taxesMinor: 2_200,
      feesMinor: 0,
      totalMinor: 28_000,
    },
    paymentToken: 'tok_abcdefgh',
    payment: null,
    cancellation: null,
    rejection: null,
    createdAt: 9_000,
    updatedAt: 9_500,
    appliedEventIds: ids,
  };
}

describe('system-of-record upserts on Postgres', () => {
  let pool: pg.Pool;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createDatabase();
    drop = db.drop;
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await drop?.();
  });

  async function apply(events: Array<[string, unknown]>): Promise<void> {
    const client = await pool.connect();
    try {
      for (const [topic, value] of events) {
        (await applyReservationEvent(client, topic, value)) ||
          (await applyDomainEvent(client, topic, value, '0'));
      }
    } finally {
      client.release();
    }
  }
  /** Applies the store's changelog record at `offset`, as the sink does. */
  const writeState = async (value: ReservationState, offset: string) => {
    const client = await pool.connect();
    try {
      await upsertReservationState(client, value, offset);
    } finally {
      client.release();
    }
  };
  /** Applies events as the API's own optimistic writes of the commands it accepted. */
  const record = async (events: Array<[string, unknown]>) => {
    const client = await pool.connect();
    try {
      for (const [topic, value] of events) await applyReservationEvent(client, topic, value, 'api');
    } finally {
      client.release();
    }
  };
  const reservation = async (n: string) =>
    (
      await pool.query(
        'SELECT status, guest_id, total_amount::text AS total, rooms, detail FROM reservations.reservation WHERE confirmation_number = $1',
        [n],
      )
    ).rows[0];

  it('ends in the same state whichever order the topics deliver, and a replay changes nothing', async () => {
    const events: Array<[string, unknown]> = [
      ['reservation.created', created('RSV-2027-000001', 1_000)],
      ['reservation.confirmed', confirmed('RSV-2027-000001', 2_000)],
      ['reservation.cancelled', cancelled('RSV-2027-000001', 3_000)],
    ];
    await apply([events[1]!, events[2]!, events[0]!]); // confirmed and cancelled overtake the creation
    expect(await reservation('RSV-2027-000001')).toEqual({
      status: 'CANCELLED',
      guest_id: 'G1',
      total: '280.00',
      rooms: 1,
      detail: 'GUEST_REQUEST',
    });
    const before = await pool.query('SELECT * FROM reservations.reservation ORDER BY 1');
    const history = await pool.query('SELECT * FROM reservations.status_history ORDER BY 1');
    await apply([...events, ...events]);
    expect((await pool.query('SELECT * FROM reservations.reservation ORDER BY 1')).rows).toEqual(before.rows);
    expect((await pool.query('SELECT * FROM reservations.status_history ORDER BY 1')).rows).toEqual(
      history.rows,
    );
    expect(history.rows).toHaveLength(3);
  });

  it("lets a refusal at the command's own time undo the command's optimistic status", async () => {
    const n = 'RSV-2027-000002';
    await apply([
      ['reservation.created', created(n, 1_000)],
      ['reservation.confirmed', confirmed(n, 2_000)],
      // The API recorded a cancel at 3 000; the pipeline refused it at the same event time.
      ['reservation.cancelled', cancelled(n, 3_000)],
      ['reservation.rejected', refused(n, 3_000, 'CONFIRMED')],
    ]);
    expect(await reservation(n)).toMatchObject({
      status: 'CONFIRMED',
      detail: 'INVALID_TRANSITION: not allowed',
    });
    // Delivered the other way round, the refusal still wins the tie.
    const m = 'RSV-2027-000003';
    await apply([
      ['reservation.created', created(m, 1_000)],
      ['reservation.rejected', refused(m, 3_000, 'PENDING')],
      ['reservation.cancelled', cancelled(m, 3_000)],
    ]);
    expect(await reservation(m)).toMatchObject({ status: 'PENDING' });
  });

  it('restores the stay a refused modification replaced, whichever arrives first, and replays change nothing', async () => {
    const longer: StayDetails = { ...stay, checkOutDate: '2027-05-05', nights: 4 };
    const modified = (n: string) => modifiedTo(n, longer);
    const soldOut = (n: string): ReservationRejected => ({
      ...refused(n, 3_000, 'CONFIRMED'),
      reason: 'SOLD_OUT',
      stayDetails: longer,
      refusedAction: 'ReservationModified',
    });
    const nights = async (n: string) =>
      (await pool.query('SELECT nights FROM reservations.reservation WHERE confirmation_number = $1', [n]))
        .rows[0].nights;
    for (const [n, order] of [
      ['RSV-2027-000010', 'modification first'],
      ['RSV-2027-000011', 'refusal first'],
    ] as const) {
      const events: Array<[string, unknown]> = [
        ['reservation.created', created(n, 1_000)],
        ['reservation.confirmed', confirmed(n, 2_000)],
      ];
      const pair: Array<[string, unknown]> = [
        ['reservation.modified', modified(n)],
        ['reservation.rejected', soldOut(n)],
      ];
      await apply([...events, ...(order === 'modification first' ? pair : pair.reverse())]);
      expect(await nights(n), order).toBe(2);
      await apply([...events, ...pair, ...pair.reverse()]);
      expect(await nights(n), `${order}, replayed`).toBe(2);
      expect(await reservation(n)).toMatchObject({ status: 'CONFIRMED' });
    }
    // An accepted modification (no refusal) changes the stay.
    const n = 'RSV-2027-000012';
    await apply([
      ['reservation.created', created(n, 1_000)],
      ['reservation.modified', modified(n)],
    ]);
    expect(await nights(n)).toBe(4);
  });

  it('writes an early check-out as the shortened stay, and a refusal of that check-out undoes it in either order', async () => {
    const checkout = (n: string, at: number): ReservationCheckedOut => ({
      eventId: `${n}:checkout`,
      eventType: 'ReservationCheckedOut',
      occurredAt: at,
      confirmationNumber: n,
      propertyId: 'LIS-ALFAMA',
      checkOutDate: '2027-05-02',
      finalAmount: null,
    });
    const refusedCheckout = (n: string, at: number): ReservationRejected => ({
      ...refused(n, at, 'CONFIRMED'),
      refusedAction: 'ReservationCheckedOut',
    });
    const stayOf = async (n: string) =>
      (
        await pool.query(
          `SELECT to_char(check_out_date, 'YYYY-MM-DD') AS booked, nights,
             to_char(effective_check_out_date, 'YYYY-MM-DD') AS until, effective_nights
           FROM reservations.reservation WHERE confirmation_number = $1`,
          [n],
        )
      ).rows[0];
    await apply([
      ['reservation.created', created('RSV-EARLY-1', 1_000)],
      ['reservation.confirmed', confirmed('RSV-EARLY-1', 2_000)],
      ['reservation.checkout', checkout('RSV-EARLY-1', 3_000)],
    ]);
    // A later stay write (a redelivered confirmation) keeps the departure.
    await apply([['reservation.confirmed', confirmed('RSV-EARLY-1', 2_000)]]);
    expect(await stayOf('RSV-EARLY-1')).toEqual({
      booked: '2027-05-03',
      nights: 2,
      until: '2027-05-02',
      effective_nights: 1,
    });
    expect((await new PostgresReservationLedger(pool).get('RSV-EARLY-1'))?.stay).toMatchObject({
      checkOutDate: '2027-05-02',
      nights: 1,
    });
    const whole = { booked: '2027-05-03', nights: 2, until: '2027-05-03', effective_nights: 2 };
    for (const [n, order] of [
      ['RSV-EARLY-2', ['checkout', 'refusal']],
      ['RSV-EARLY-3', ['refusal', 'checkout']],
    ] as const) {
      await apply([['reservation.created', created(n, 1_000)]]);
      for (const event of order) {
        await apply([
          event === 'checkout'
            ? ['reservation.checkout', checkout(n, 3_000)]
            : ['reservation.rejected', refusedCheckout(n, 3_000)],
        ]);
      }
      expect(await stayOf(n), n).toEqual(whole);
    }
  });

  it('follows the reservations store by changelog offset once it has a state, whatever the event times', async () => {
    const n = 'RSV-STATE-1';
    const state = (status: ReservationState['status'], ids: string[]) => storeState(n, status, ids);
    // The booking was stamped by a clock far ahead; the confirmation by one on time.
    await apply([['reservation.created', created(n, 9_000)]]);
    await writeState(state('CONFIRMED', [`${n}:created`, 'auth-1']), '10');
    expect(await reservation(n)).toMatchObject({ status: 'CONFIRMED', total: '280.00' });
    // The events of what the store already holds, or an older state, change nothing.
    await apply([
      ['reservation.created', created(n, 9_000)],
      ['reservation.confirmed', confirmed(n, 2_000)],
    ]);
    await writeState(state('PENDING', [`${n}:created`]), '9');
    expect(await reservation(n)).toMatchObject({ status: 'CONFIRMED' });
    // The API's own write of a cancellation the store has not applied shows at once, whatever its time...
    await record([['reservation.cancelled', cancelled(n, 1_000)]]);
    expect(await reservation(n)).toMatchObject({ status: 'CANCELLED' });
    // ... and the store's state after it stays, even when the sink then applies the events again.
    await writeState(state('CANCELLED', [`${n}:created`, 'auth-1', `${n}:cancelled`]), '11');
    await apply([
      ['reservation.confirmed', confirmed(n, 20_000)],
      ['reservation.cancelled', cancelled(n, 1_000)],
    ]);
    const afterCancel = await reservation(n);
    expect(afterCancel).toMatchObject({ status: 'CANCELLED', total: '280.00', detail: 'GUEST_REQUEST' });
  });

  it("never shows the API's accepted commands undone by a store state that has not decided them yet", async () => {
    const n = 'RSV-PENDING-1';
    const longer: StayDetails = { ...stay, checkOutDate: '2027-05-04', nights: 3 };
    const modified = modifiedTo(n, longer);
    const row = async () =>
      (
        await pool.query(
          `SELECT status, nights, pending_event_ids AS pending FROM reservations.reservation
           WHERE confirmation_number = $1`,
          [n],
        )
      ).rows[0];
    await record([['reservation.created', created(n, 1_000)]]);
    await writeState(storeState(n, 'CONFIRMED', [`${n}:created`]), '20');
    expect(await row()).toEqual({ status: 'CONFIRMED', nights: 2, pending: null });
    // The client was told the modification and then the cancellation were accepted; the sink then reads
    // store states written before the store decided them: the row keeps what the client was told.
    await record([['reservation.modified', modified]]);
    await record([['reservation.cancelled', cancelled(n, 4_000)]]);
    await writeState(storeState(n, 'CONFIRMED', [`${n}:created`, 'auth-1']), '21');
    expect(await row()).toEqual({
      status: 'CANCELLED',
      nights: 3,
      pending: [`${n}:modified`, `${n}:cancelled`],
    });
    // The modification decided, the cancellation not yet: still as told, one command pending.
    await writeState(storeState(n, 'CONFIRMED', [`${n}:created`, 'auth-1', `${n}:modified`], longer), '22');
    expect(await row()).toEqual({ status: 'CANCELLED', nights: 3, pending: [`${n}:cancelled`] });
    // Both decided: the store's state, and nothing pending.
    const decided = [`${n}:created`, 'auth-1', `${n}:modified`, `${n}:cancelled`];
    await writeState(storeState(n, 'CANCELLED', decided, longer), '23');
    expect(await row()).toEqual({ status: 'CANCELLED', nights: 3, pending: null });

    // A refused command is decided too: the store's unchanged state replaces the optimistic write.
    const m = 'RSV-PENDING-2';
    await record([['reservation.created', created(m, 1_000)]]);
    await writeState(storeState(m, 'CONFIRMED', [`${m}:created`]), '30');
    await record([['reservation.modified', modifiedTo(m, longer)]]);
    expect(
      (await pool.query('SELECT nights FROM reservations.reservation WHERE confirmation_number = $1', [m]))
        .rows[0],
    ).toEqual({ nights: 3 });
    await writeState(storeState(m, 'CONFIRMED', [`${m}:created`, `${m}:modified`]), '31');
    expect(
      (
        await pool.query(
          'SELECT nights, pending_event_ids FROM reservations.reservation WHERE confirmation_number = $1',
          [m],
        )
      ).rows[0],
    ).toEqual({ nights: 2, pending_event_ids: null });

    // A command the store never decides holds the row back for a few minutes only.
    const k = 'RSV-PENDING-3';
    await record([['reservation.created', created(k, 1_000)]]);
    await record([['reservation.cancelled', cancelled(k, 2_000)]]);
    await pool.query(
      `UPDATE reservations.reservation SET pending_since = now() - interval '${PENDING_HOLD_MINUTES + 1} minutes'
       WHERE confirmation_number = $1`,
      [k],
    );
    await writeState(storeState(k, 'CONFIRMED', [`${k}:created`]), '40');
    expect(await reservation(k)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('keeps the latest availability of a night by offset, whatever the event times say', async () => {
    const update = (at: number, reserved: number, id: string): AvailabilityUpdated => ({
      eventId: id,
      eventType: 'AvailabilityUpdated',
      occurredAt: at,
      propertyId: 'LIS-ALFAMA',
      roomType: 'STD',
      stayDate: '2027-05-01',
      capacity: 70,
      overbookingAllowance: 3,
      roomsReserved: reserved,
      roomsAvailable: 70 - reserved,
      delta: 1,
      cause: 'RESERVATION_CREATED',
      confirmationNumber: null,
    });
    const client = await pool.connect();
    try {
      await applyDomainEvent(client, 'availability.updated', update(2_000, 5, 'b'), '11');
      await applyDomainEvent(client, 'availability.updated', update(1_000, 4, 'a'), '10'); // late: ignored
      await applyDomainEvent(client, 'availability.updated', update(2_000, 5, 'b'), '11'); // replay
    } finally {
      client.release();
    }
    const rows = async () =>
      (await pool.query('SELECT rooms_reserved, last_event_id FROM availability.calendar')).rows;
    expect(await rows()).toEqual([{ rooms_reserved: 5, last_event_id: 'b' }]);
    // A later decision stamped by an API instance whose clock runs behind: the offset, the topology's own
    // order, makes it the newest.
    const behind = await pool.connect();
    try {
      await applyDomainEvent(behind, 'availability.updated', update(500, 6, 'c'), '12');
    } finally {
      behind.release();
    }
    expect(await rows()).toEqual([{ rooms_reserved: 6, last_event_id: 'c' }]);
  });

  it('derives the occupancy of a night from its availability updates, newest by offset', async () => {
    const update = (reserved: number, id: string): AvailabilityUpdated => ({
      eventId: id,
      eventType: 'AvailabilityUpdated',
      occurredAt: 1_000,
      propertyId: 'PRT-OCCUPANCY',
      roomType: 'STD',
      stayDate: '2027-05-02',
      capacity: 70,
      overbookingAllowance: 3,
      roomsReserved: reserved,
      roomsAvailable: 70 - reserved,
      delta: 1,
      cause: 'RESERVATION_CREATED',
      confirmationNumber: null,
    });
    const client = await pool.connect();
    try {
      await applyDomainEvent(client, 'availability.updated', update(35, 'occ-b'), '21');
      await applyDomainEvent(client, 'availability.updated', update(7, 'occ-a'), '20'); // older offset: ignored
      await applyDomainEvent(client, 'availability.updated', update(72, 'occ-c'), '22'); // overbooked
      await applyDomainEvent(client, 'availability.updated', update(72, 'occ-c'), '22'); // replay
    } finally {
      client.release();
    }
    expect(
      (
        await pool.query(
          `SELECT capacity, rooms_reserved, occupancy::text AS occupancy, last_event_id
             FROM analytics.occupancy WHERE property_id = 'PRT-OCCUPANCY'`,
        )
      ).rows,
    ).toEqual([{ capacity: 70, rooms_reserved: 72, occupancy: '1.0286', last_event_id: 'occ-c' }]);
  });

  it('keeps the latest event of each alert by offset and every event once, whatever the redelivery', async () => {
    const alert = (sequence: number, status: AnalyticsAlert['status'], value: string): AnalyticsAlert => ({
      eventId: `PRT-ALERT|STD|2027-05-02|OCCUPANCY_HIGH#${sequence}`,
      eventType: 'AnalyticsAlert',
      occurredAt: 1_000 * sequence,
      propertyId: 'PRT-ALERT',
      roomType: 'STD',
      stayDate: '2027-05-02',
      kind: 'OCCUPANCY_HIGH',
      status,
      sequence,
      asOf: '2027-04-20',
      value,
      threshold: '0.9000',
      raisedAt: 1_000,
      detail: `${value} of capacity`,
    });
    const client = await pool.connect();
    const rows = async () =>
      (
        await pool.query(
          `SELECT status, active, sequence, value::text AS value, last_event_id FROM analytics.alert
            WHERE property_id = 'PRT-ALERT'`,
        )
      ).rows;
    try {
      await applyDomainEvent(client, 'analytics.alerts', alert(1, 'RAISED', '0.9500'), '30');
      await applyDomainEvent(client, 'analytics.alerts', alert(2, 'UPDATED', '1.0000'), '31');
      await applyDomainEvent(client, 'analytics.alerts', alert(1, 'RAISED', '0.9500'), '30'); // redelivered
      expect(await rows()).toEqual([
        {
          status: 'UPDATED',
          active: true,
          sequence: 2,
          value: '1.0000',
          last_event_id: 'PRT-ALERT|STD|2027-05-02|OCCUPANCY_HIGH#2',
        },
      ]);
      await applyDomainEvent(client, 'analytics.alerts', alert(3, 'CLEARED', '1.0000'), '35');
      await applyDomainEvent(client, 'analytics.alerts', alert(3, 'CLEARED', '1.0000'), '35'); // replay
    } finally {
      client.release();
    }
    expect(await rows()).toEqual([
      {
        status: 'CLEARED',
        active: false,
        sequence: 3,
        value: '1.0000',
        last_event_id: 'PRT-ALERT|STD|2027-05-02|OCCUPANCY_HIGH#3',
      },
    ]);
    const history = await pool.query(
      `SELECT sequence, status FROM analytics.alert_event WHERE property_id = 'PRT-ALERT' ORDER BY sequence`,
    );
    expect(history.rows).toEqual([
      { sequence: 1, status: 'RAISED' },
      { sequence: 2, status: 'UPDATED' },
      { sequence: 3, status: 'CLEARED' },
    ]);
  });

  it('writes each fact once, keeps the newest rate, occupancy and KPI window, and a final KPI window for good', async () => {
    const property = 'PRT-FACTS';
    const night = { propertyId: property, roomType: 'STD', stayDate: '2027-06-01' };
    const overbooked: AvailabilityOverbooked = {
      ...night,
      eventId: 'ob-1',
      eventType: 'AvailabilityOverbooked',
      occurredAt: 1_000,
      capacity: 70,
      overbookingAllowance: 3,
      roomsReserved: 72,
      overbookedBy: 2,
      confirmationNumber: 'RSV-2027-000100',
    };
    const applied: RateApplied = {
      eventId: 'ra-1',
      eventType: 'RateApplied',
      occurredAt: 1_000,
      confirmationNumber: 'RSV-2027-000100',
      propertyId: property,
      roomType: 'STD',
      rooms: 1,
      ratePlan: 'BAR',
      nightlyRates: [
        { stayDate: '2027-06-01', baseRate: eur('120.00'), demandMultiplier: '1.0000', rate: eur('120.00') },
      ],
      roomTotal: eur('120.00'),
    };
    const failed: PaymentFailed = {
      eventId: 'pf-1',
      eventType: 'PaymentFailed',
      occurredAt: 1_000,
      paymentId: 'PAY-1',
      confirmationNumber: 'RSV-2027-000100',
      propertyId: property,
      amount: eur('120.00'),
      reason: 'DECLINED',
      detail: 'card refused',
      attempts: 1,
    };
    const rate = (at: number, amount: string, id: string): RateUpdated => ({
      ...night,
      eventId: id,
      eventType: 'RateUpdated',
      occurredAt: at,
      baseRate: eur('100.00'),
      previousRate: null,
      rate: eur(amount),
      demandMultiplier: '1.2000',
      occupancy: '0.5000',
    });
    const occupancy = (at: number, reserved: number, id: string): RoomTypeOccupancy => ({
      ...night,
      eventId: id,
      eventType: 'RoomTypeOccupancy',
      occurredAt: at,
      capacity: 70,
      roomsReserved: reserved,
      occupancy: (reserved / 70).toFixed(4),
    });
    const kpis = (at: number, bookings: number, final: boolean, id: string): BookingKpis => ({
      eventId: id,
      eventType: 'BookingKpis',
      occurredAt: at,
      propertyId: property,
      windowStart: 0,
      windowEnd: 60_000,
      windowSizeMs: 60_000,
      windowAdvanceMs: 60_000,
      final,
      bookings,
      cancellations: 0,
      roomNights: bookings,
      revenue: eur('0.00'),
      adr: eur('0.00'),
      availableRoomNights: 70,
      revpar: eur('0.00'),
    });
    const client = await pool.connect();
    const write = async (topic: string, value: unknown, offset: string) =>
      expect(await applyDomainEvent(client, topic, value, offset), topic).toBe(true);
    try {
      // The second pass replays every event: nothing may change.
      for (let pass = 0; pass < 2; pass++) {
        await write('availability.overbooked', overbooked, '1');
        await write('rate.applied', applied, '2');
        await write('payment.failed', failed, '3');
        await write('rate.updated', rate(2_000, '130.00', 'ru-2'), '21');
        await write('rate.updated', rate(2_000, '110.00', 'ru-1'), '20'); // same time, lower offset: older
        await write('analytics.occupancy', occupancy(3_000, 9, 'oc-2'), '31');
        await write('analytics.occupancy', occupancy(1_000, 8, 'oc-1'), '30'); // earlier: older
        await write('analytics.booking-kpis', kpis(4_000, 3, false, 'kp-1'), '40');
        await write('analytics.booking-kpis', kpis(5_000, 4, true, 'kp-2'), '41');
        await write('analytics.booking-kpis', kpis(6_000, 5, false, 'kp-3'), '42'); // after final: ignored
      }
      expect(await applyDomainEvent(client, 'reservation.unknown', {}, '0')).toBe(false);
    } finally {
      client.release();
    }
    const rows = async (sql: string) => (await pool.query(sql, [property])).rows;
    expect(
      await rows(
        'SELECT event_id, overbooked_by, stay_date::text AS night FROM availability.overbooking WHERE property_id = $1',
      ),
    ).toEqual([{ event_id: 'ob-1', overbooked_by: 2, night: '2027-06-01' }]);
    expect(
      await rows(
        'SELECT event_id, room_total::text AS total, nightly_rates FROM rates.applied_rate WHERE property_id = $1',
      ),
    ).toEqual([{ event_id: 'ra-1', total: '120.00', nightly_rates: applied.nightlyRates }]);
    expect(
      await rows(
        'SELECT event_id, event_type, amount::text AS amount, detail FROM payments.payment_event WHERE property_id = $1',
      ),
    ).toEqual([
      { event_id: 'pf-1', event_type: 'PaymentFailed', amount: '120.00', detail: 'DECLINED: card refused' },
    ]);
    expect(
      await rows('SELECT rate::text AS rate, last_event_id FROM rates.current_rate WHERE property_id = $1'),
    ).toEqual([{ rate: '130.00', last_event_id: 'ru-2' }]);
    expect(
      await rows('SELECT rooms_reserved, last_event_id FROM analytics.occupancy WHERE property_id = $1'),
    ).toEqual([{ rooms_reserved: 9, last_event_id: 'oc-2' }]);
    expect(
      await rows('SELECT bookings, final, last_event_id FROM analytics.booking_kpis WHERE property_id = $1'),
    ).toEqual([{ bookings: 4, final: true, last_event_id: 'kp-2' }]);
  });
});
