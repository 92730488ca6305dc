import { afterEach, describe, expect, it } from 'vitest';
import { cancelled, checkedIn, created, type Pipeline, startPipeline } from './harness.js';

const pipelines: Pipeline[] = [];
async function start(...args: Parameters<typeof startPipeline>): Promise<Pipeline> {
  const p = await startPipeline(...args);
  pipelines.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

const eur = (amount: string) => ({ amount, currency: 'EUR' });
// Lisbon is UTC+1 in August: its business day 2026-08-10 runs from 08-09 23:00 to 08-10 23:00 UTC.
const AUG10 = (hour: number, minute = 0) => Date.UTC(2026, 7, 10, hour, minute);

describe('daily settlement processor (test driver)', () => {
  it('settles the captures and refunds of a business day once, after the day ends plus the delay', async () => {
    const p = await start({ settlementDelayMs: 3_600_000 });
    const a = created({ rooms: 1, checkIn: '2026-08-10', checkOut: '2026-08-12' }); // 200.00
    const b = created({ rooms: 2, checkIn: '2026-08-20', checkOut: '2026-08-21' }); // 200.00
    p.pipe('reservation.created', a, Date.UTC(2026, 6, 1));
    p.pipe('reservation.created', b, Date.UTC(2026, 6, 1));
    await p.settlePayments(Date.UTC(2026, 6, 1));
    p.pipe('reservation.checkin', checkedIn(a), AUG10(14));
    await p.settlePayments(AUG10(14, 1)); // capture 200.00 on 08-10
    p.pipe('reservation.cancelled', cancelled(b), AUG10(20)); // free: refund 200.00 on 08-10
    await p.settlePayments(AUG10(20, 1));
    expect(p.read('payment.settled')).toEqual([]);

    p.pipe('reservation.checkin', checkedIn(created()), AUG10(23, 30)); // stream time: 00:30 local, within the delay
    expect(p.read('payment.settled')).toEqual([]);
    p.pipe('reservation.checkin', checkedIn(created()), Date.UTC(2026, 7, 11, 1, 0)); // 02:00 local: due
    expect(p.read('payment.settled')).toEqual([
      {
        eventId: 'SETTLE-TST-INN-2026-08-10',
        eventType: 'PaymentSettled',
        occurredAt: Date.UTC(2026, 7, 11, 1, 0),
        settlementId: 'SETTLE-TST-INN-2026-08-10',
        propertyId: 'TST-INN',
        settlementDate: '2026-08-10',
        paymentIds: [`PAY-${a.confirmationNumber}`, `PAY-${b.confirmationNumber}`],
        capturedAmount: eur('200.00'),
        refundedAmount: eur('200.00'),
        netAmount: eur('0.00'),
      },
    ]);
    p.pipe('reservation.checkin', checkedIn(created()), Date.UTC(2026, 7, 12, 5, 0));
    expect(p.read('payment.settled')).toEqual([]); // settled once; no empty batches
  });

  it('puts a capture reported for an already settled day into the next open day', async () => {
    const p = await start({ settlementDelayMs: 0 });
    const a = created({ checkIn: '2026-08-10', checkOut: '2026-08-11' });
    p.pipe('reservation.created', a, Date.UTC(2026, 6, 1));
    await p.settlePayments(Date.UTC(2026, 6, 1));
    p.pipe('reservation.checkin', checkedIn(a), AUG10(14));
    await p.settlePayments(AUG10(14));
    p.pipe('reservation.checkin', checkedIn(created()), Date.UTC(2026, 7, 11, 2, 0));
    expect(p.read('payment.settled').map((s) => s.settlementDate)).toEqual(['2026-08-10']);

    const late = created({ checkIn: '2026-08-10', checkOut: '2026-08-11' });
    p.pipe('reservation.created', late, Date.UTC(2026, 6, 2));
    await p.settlePayments(Date.UTC(2026, 6, 2));
    p.pipe('reservation.checkin', checkedIn(late), AUG10(15)); // event time on the settled day
    await p.settlePayments(AUG10(15));
    p.pipe('reservation.checkin', checkedIn(created()), Date.UTC(2026, 7, 12, 2, 0));
    expect(p.read('payment.settled')).toEqual([
      expect.objectContaining({
        settlementDate: '2026-08-11',
        capturedAmount: expect.objectContaining({ currency: 'EUR' }),
      }),
    ]);
  });
});
