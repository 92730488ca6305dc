import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPaymentGateway } from '../../../../processors/domain/payment/simulated-gateway.js';
import type { PaymentRequest } from '../../../../processors/topology/payment-request.js';
import { PaymentWorker } from '../../../../processors/topology/payment-worker.js';
import {
  cancelled,
  checkedIn,
  checkedOut,
  created,
  modified,
  type Pipeline,
  startPipeline,
  stay,
} from './harness.js';

const pipelines: Pipeline[] = [];
async function start(...args: Parameters<typeof startPipeline>): Promise<Pipeline> {
  const p = await startPipeline(...args);
  pipelines.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

const T = Date.UTC(2026, 6, 1, 12, 0);
const eur = (amount: string) => ({ amount, currency: 'EUR' });
// Check-in 2026-08-10 15:00 Lisbon (UTC+1) = 14:00 UTC; free cancellation until 48 h before.
const DEADLINE = Date.UTC(2026, 7, 8, 14, 0);

describe('payment requests and reservation status (test driver)', () => {
  it('confirms a reservation once its payment is authorised', async () => {
    const p = await start();
    const guest = created({ rooms: 2 });
    p.pipe('reservation.created', guest, T);
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('PENDING');
    const [request] = p.readRequests();
    expect(request).toEqual({
      type: 'AUTHORIZE',
      requestId: `${guest.eventId}:authorize`,
      paymentId: `PAY-${guest.confirmationNumber}`,
      confirmationNumber: guest.confirmationNumber,
      propertyId: 'TST-INN',
      amount: eur('400.00'),
      paymentToken: 'tok_visa_4242',
      occurredAt: T,
    });
    const worker = await startWorker(p, request!);
    expect(worker.initiated).toHaveLength(1);
    const [confirmed] = p.read('reservation.confirmed');
    expect(confirmed).toMatchObject({
      confirmationNumber: guest.confirmationNumber,
      totalAmount: eur('400.00'),
      paymentId: `PAY-${guest.confirmationNumber}`,
      authorizationCode: `auth_${guest.eventId}:authorize`,
      stayDetails: guest.stayDetails,
    });
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CONFIRMED',
      payment: { authorizedMinor: 40_000, capturedMinor: 0, refundedMinor: 0 },
    });
  });

  it('rejects a reservation whose payment failed and releases its inventory', async () => {
    const p = await start();
    const guest = created({ rooms: 3, paymentToken: 'tok_visa_0051' });
    p.pipe('reservation.created', guest, T);
    p.read('availability.updated');
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(3);
    await p.settlePayments(T + 1);
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(0);
    expect(p.read('availability.updated').map((u) => [u.stayDate, u.delta, u.cause])).toEqual([
      ['2026-08-10', -3, 'PAYMENT_FAILED'],
      ['2026-08-11', -3, 'PAYMENT_FAILED'],
    ]);
    expect(p.read('reservation.rejected')).toEqual([
      expect.objectContaining({
        confirmationNumber: guest.confirmationNumber,
        reason: 'PAYMENT_FAILED',
        currentStatus: 'REJECTED',
        detail: 'payment failed: INSUFFICIENT_FUNDS (the card has insufficient funds)',
      }),
    ]);
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'REJECTED',
      rejection: 'PAYMENT_FAILED',
    });
    expect(p.read('reservation.confirmed')).toEqual([]);
  });

  it('dead-letters a payment that cannot be decided and leaves the reservation PENDING', async () => {
    const p = await start({}, { failureRate: 1 });
    const guest = created();
    p.pipe('reservation.created', guest, T);
    const produced = await p.settlePayments(T + 1);
    expect(p.gateway.calls).toBe(6); // first try and five retries
    expect(produced.deadLetters).toEqual([
      expect.objectContaining({
        sourceTopic: 'payment.requests',
        errorCode: 'RSV_ERR_PAYMENT_UNAVAILABLE',
        retriable: true,
        stage: 'PROCESSING',
      }),
    ]);
    expect(JSON.parse(produced.deadLetters[0]!.value!.toString())).toMatchObject({ type: 'AUTHORIZE' });
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('PENDING');
  });

  it('refunds everything on a cancellation before the deadline', async () => {
    const p = await start();
    const guest = created({ rooms: 2 });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.pipe('reservation.cancelled', cancelled(guest), DEADLINE);
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CANCELLED',
      cancellation: { free: true, deadline: DEADLINE, feeMinor: 0, refundMinor: 40_000 },
    });
    const [refund] = p.readRequests();
    expect(refund).toMatchObject({ type: 'REFUND', amount: eur('400.00'), cancellationFee: eur('0.00') });
  });

  it('keeps the first night of each room after the deadline and refunds the rest', async () => {
    const p = await start();
    const guest = created({ rooms: 2, checkIn: '2026-08-10', checkOut: '2026-08-13' });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.pipe('reservation.cancelled', cancelled(guest), DEADLINE + 1);
    expect(p.reservation(guest.confirmationNumber)?.cancellation).toEqual({
      free: false,
      deadline: DEADLINE,
      feeMinor: 20_000,
      refundMinor: 40_000,
    });
    const produced = await p.settlePayments(DEADLINE + 2);
    expect(produced.refunded).toEqual([
      expect.objectContaining({ amount: eur('400.00'), cancellationFee: eur('200.00') }),
    ]);
  });

  it('releases an authorisation that arrives after the reservation was cancelled', async () => {
    const p = await start();
    const guest = created();
    p.pipe('reservation.created', guest, T);
    const pending = p.readRequests();
    p.pipe('reservation.cancelled', cancelled(guest), T + 1);
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CANCELLED');
    expect(p.readRequests()).toEqual([]); // nothing was authorised yet: nothing to refund
    // The worker now performs the authorisation that was in flight.
    const worker = await startWorker(p, pending[0]!);
    expect(worker.initiated).toHaveLength(1);
    expect(p.read('reservation.confirmed')).toEqual([]);
    expect(p.readRequests()).toEqual([
      expect.objectContaining({
        type: 'REFUND',
        amount: eur('200.00'),
        requestId: expect.stringMatching(/:void$/),
      }),
    ]);
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CANCELLED',
      payment: { authorizedMinor: 20_000, refundedMinor: 20_000 },
    });
  });

  it('captures at check-in, checks out, and refuses to cancel a stay that is over', async () => {
    const p = await start();
    const guest = created();
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.pipe('reservation.checkin', checkedIn(guest), Date.UTC(2026, 7, 10, 15, 0));
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CHECKED_IN');
    const produced = await p.settlePayments(Date.UTC(2026, 7, 10, 15, 1));
    expect(produced.captured).toEqual([expect.objectContaining({ amount: eur('200.00') })]);
    p.pipe('reservation.checkout', checkedOut(guest), Date.UTC(2026, 7, 12, 10, 0));
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CHECKED_OUT');
    p.read('availability.updated');

    const late = cancelled(guest);
    p.pipe('reservation.cancelled', late, Date.UTC(2026, 7, 12, 11, 0));
    expect(p.read('reservation.rejected')).toEqual([
      expect.objectContaining({
        reason: 'INVALID_TRANSITION',
        currentStatus: 'CHECKED_OUT',
        refusedAction: 'ReservationCancelled',
        detail: 'cannot cancel a reservation that is CHECKED_OUT: CHECKED_OUT is final',
      }),
    ]);
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CHECKED_OUT');
    expect(p.read('availability.updated')).toEqual([]); // nothing released by a refused command
    // The refusal is remembered as decided (the system of record settles the API's optimistic write by
    // it), and the same command delivered again is recognised: no second refusal.
    expect(p.reservation(guest.confirmationNumber)?.appliedEventIds).toContain(late.eventId);
    p.pipe('reservation.cancelled', late, Date.UTC(2026, 7, 12, 11, 0));
    expect(p.read('reservation.rejected')).toEqual([]);
  });

  it('refunds the difference when a modification lowers the price, and records a balance when it raises it', async () => {
    const p = await start();
    const guest = created({ checkIn: '2026-08-10', checkOut: '2026-08-13' }); // 3 nights: 300.00
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-10', '2026-08-12')), T + 1); // 200.00
    expect(p.readRequests()).toEqual([
      expect.objectContaining({ type: 'REFUND', amount: eur('100.00'), cancellationFee: eur('0.00') }),
    ]);
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-10', '2026-08-14')), T + 2); // 400.00
    expect(p.readRequests()).toEqual([]);
    expect(p.reservation(guest.confirmationNumber)?.payment).toMatchObject({
      authorizedMinor: 30_000,
      refundedMinor: 10_000,
      balanceDueMinor: 20_000,
    });
    p.pipe('reservation.checkin', checkedIn(guest), Date.UTC(2026, 7, 10, 15, 0));
    expect(p.readRequests()).toEqual([expect.objectContaining({ type: 'CAPTURE', amount: eur('200.00') })]);
  });

  it('purges final reservations from the store after the retention, and keeps the others', async () => {
    const p = await start({ reservationRetentionMs: 86_400_000 });
    const rejected = created({ paymentToken: 'tok_visa_0000' });
    const confirmed = created();
    p.pipe('reservation.created', rejected, T);
    p.pipe('reservation.created', confirmed, T);
    await p.settlePayments(T);
    expect(p.reservation(rejected.confirmationNumber)?.status).toBe('REJECTED');
    p.pipe('reservation.checkin', checkedIn(created()), T + 86_400_000 - 3_600_000); // not yet a day
    expect(p.reservation(rejected.confirmationNumber)).toBeDefined();
    p.pipe('reservation.checkin', checkedIn(created()), T + 86_400_000 + 3_600_000);
    expect(p.reservation(rejected.confirmationNumber)).toBeUndefined();
    expect(p.reservation(confirmed.confirmationNumber)?.status).toBe('CONFIRMED');
  });

  it('purges a final reservation changed later (a voided authorisation) a retention after its last change, reading only due index entries', async () => {
    const day = 86_400_000;
    const hour = 3_600_000;
    const p = await start({ reservationRetentionMs: day });
    const guest = created();
    p.pipe('reservation.created', guest, T);
    p.pipe('reservation.cancelled', cancelled(guest), T + hour); // final, while the payment is in flight
    await p.settlePayments(T + 5 * hour); // the authorisation arrives, is voided: a change 4 h later
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CANCELLED',
      updatedAt: T + 5 * hour,
    });
    const expiry = p.driver.getKeyValueStore<string, string>('reservation-expiry');
    expect([...expiry.all()].map((e) => e.value)).toEqual([guest.confirmationNumber]); // indexed once
    p.pipe('reservation.checkin', checkedIn(created()), T + hour + day + 2 * hour); // its first due time passed
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CANCELLED'); // changed since: kept
    expect([...expiry.all()].map((e) => e.key)).toEqual([
      `${String(T + 5 * hour + day).padStart(15, '0')}|${guest.confirmationNumber}`,
    ]);
    p.pipe('reservation.checkin', checkedIn(created()), T + 5 * hour + day + 2 * hour);
    expect(p.reservation(guest.confirmationNumber)).toBeUndefined();
    expect([...expiry.all()]).toEqual([]);
  });

  it('refuses a quote in another currency or with negative or inexact amounts, taking no rooms', async () => {
    const p = await start();
    const details = [
      { taxes: { amount: '10.00', currency: 'USD' } },
      { fees: eur('-1.00') },
      { fees: { amount: '1.50', currency: 'JPY' } },
    ];
    const expected = [
      'pricingDetails.taxes is in USD; prices of TST-INN are in EUR',
      'pricingDetails.fees must not be negative',
      'pricingDetails.fees is in JPY; prices of TST-INN are in EUR',
    ];
    for (const change of details) {
      const guest = created();
      p.pipe('reservation.created', { ...guest, pricingDetails: { ...guest.pricingDetails, ...change } }, T);
    }
    expect(p.read('reservation.rejected').map((r) => [r.reason, r.detail])).toEqual(
      expected.map((detail) => ['INVALID_REQUEST', detail]),
    );
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(0);
    const yen = created({ propertyId: 'TYO-GINZA', roomType: 'SGL' });
    p.pipe(
      'reservation.created',
      { ...yen, pricingDetails: { ...yen.pricingDetails, taxes: { amount: '1.50', currency: 'JPY' } } },
      T,
    );
    expect(p.read('reservation.rejected')[0]?.detail).toBe(
      'pricingDetails.taxes 1.50 is not an exact JPY amount',
    );
  });

  it('refuses a command that names another property than the reservation', async () => {
    const p = await start();
    const guest = created();
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.read('availability.updated');
    p.pipe('reservation.cancelled', { ...cancelled(guest), propertyId: 'ZRH-SEEHOF' }, T + 1);
    expect(p.read('reservation.rejected')).toEqual([
      expect.objectContaining({
        propertyId: 'ZRH-SEEHOF',
        reason: 'INVALID_REQUEST',
        detail: `reservation ${guest.confirmationNumber} belongs to property TST-INN, not ZRH-SEEHOF`,
      }),
    ]);
    expect(p.read('availability.updated')).toEqual([]);
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CONFIRMED');
  });

  it('refuses commands for an unknown reservation', async () => {
    const p = await start();
    p.pipe('reservation.cancelled', cancelled(created({ confirmationNumber: 'RSV-2026-999999' })), T);
    expect(p.read('reservation.rejected')).toEqual([
      expect.objectContaining({
        reason: 'INVALID_TRANSITION',
        currentStatus: null,
        detail: 'reservation RSV-2026-999999 is unknown',
      }),
    ]);
  });

  it('applies a replayed event once', async () => {
    const p = await start();
    const guest = created();
    p.pipe('reservation.created', guest, T);
    p.pipe('reservation.created', guest, T);
    expect(p.readRequests()).toHaveLength(1);
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(1);
  });

  it('refuses a raw card number and never stores or forwards it', async () => {
    const p = await start();
    const guest = created({ paymentToken: '4111111111111111' });
    p.pipe('reservation.created', guest, T);
    const state = p.reservation(guest.confirmationNumber);
    expect(state).toMatchObject({ status: 'REJECTED', rejection: 'INVALID_REQUEST', paymentToken: '' });
    const rejected = p.read('reservation.rejected');
    expect(rejected[0]?.detail).toBe(
      'paymentToken looks like a raw card number; send a token from the payment vault',
    );
    expect(JSON.stringify([state, rejected, p.readRequests()])).not.toContain('4111111111111111');
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(0);
  });
});

/**
 * Performs a request read from payment.requests earlier (so the test could act in between, e.g. cancel
 * while the authorisation is in flight) and pipes the answers back, as the worker process would.
 */
async function startWorker(p: Pipeline, request: PaymentRequest) {
  const worker = new PaymentWorker(new SimulatedPaymentGateway(), { now: () => 0 });
  const out = await worker.handle(request, { partition: 0, offset: 0, timestamp: T });
  for (const r of out) {
    if (r.topic === 'payment.authorized') p.pipe(r.topic, r.value, T + 2);
    if (r.topic === 'payment.failed') p.pipe(r.topic, r.value, T + 2);
  }
  return { initiated: out.filter((r) => r.topic === 'payment.initiated') };
}
