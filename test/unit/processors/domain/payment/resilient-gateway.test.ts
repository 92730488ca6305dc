import { afterEach, describe, expect, it } from 'vitest';
import {
  decideReservation,
  type InventoryReader,
  planRelease,
} from '../../../../../processors/domain/inventory.js';
import { money } from '../../../../../processors/domain/money.js';
import type { AuthorizeRequest, PaymentGateway } from '../../../../../processors/domain/payment/gateway.js';
import {
  decideAuthorization,
  ResilientPaymentGateway,
} from '../../../../../processors/domain/payment/resilient-gateway.js';
import { SimulatedPaymentGateway } from '../../../../../processors/domain/payment/simulated-gateway.js';
import { nightsOf } from '../../../../../processors/domain/stay.js';

const open: ResilientPaymentGateway[] = [];
afterEach(() => {
  for (const g of open.splice(0)) g.close();
});

function resilient(
  inner: PaymentGateway,
  waits: number[] = [],
  volumeThreshold = 100,
): ResilientPaymentGateway {
  const gateway = new ResilientPaymentGateway(inner, {
    retry: { sleep: async (ms) => void waits.push(ms) },
    circuit: { volumeThreshold, resetTimeoutMs: 60_000 },
  });
  open.push(gateway);
  return gateway;
}

const request = (token: string, key: string): AuthorizeRequest => ({
  reference: 'RSV-2026-000007',
  paymentToken: token,
  amount: money(45_000, 'USD'),
  idempotencyKey: key,
});

describe('resilient gateway and the authorisation decision', () => {
  it('rides out transient failures with backoff and authorises', async () => {
    const simulator = new SimulatedPaymentGateway({ seed: 3, failureRate: 0.5 });
    const waits: number[] = [];
    const gateway = resilient(simulator, waits);
    const decisions = [];
    for (let i = 0; i < 10; i++)
      decisions.push((await decideAuthorization(gateway, request('tok_amex_1005', `r${i}`))).outcome);
    expect(decisions.every((d) => d === 'AUTHORIZED')).toBe(true);
    expect(waits.length).toBe(simulator.calls - 10);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((w) => [100, 200, 400, 800, 1600].includes(w))).toBe(true);
  });

  it('passes a decline through at once, without retrying', async () => {
    const simulator = new SimulatedPaymentGateway();
    const waits: number[] = [];
    const decision = await decideAuthorization(resilient(simulator, waits), request('tok_visa_0000', 'd1'));
    expect(decision).toEqual({
      outcome: 'DECLINED',
      declineCode: 'CARD_DECLINED',
      message: 'the issuer declined the card',
    });
    expect(simulator.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('is UNDECIDED, never dropped, when the provider stays down through every retry', async () => {
    const simulator = new SimulatedPaymentGateway({ failureRate: 1 });
    const waits: number[] = [];
    const decision = await decideAuthorization(resilient(simulator, waits), request('tok_visa_4242', 'u1'));
    expect(decision).toMatchObject({ outcome: 'UNDECIDED', errorCode: 'RSV_ERR_PAYMENT_UNAVAILABLE' });
    expect(simulator.calls).toBe(6);
    expect(waits).toEqual([100, 200, 400, 800, 1600]);
  });

  it('stops calling a provider whose circuit opened: later tries fail fast', async () => {
    const simulator = new SimulatedPaymentGateway({ failureRate: 1 });
    const decision = await decideAuthorization(resilient(simulator, [], 3), request('tok_visa_4242', 'c1'));
    expect(decision).toMatchObject({ outcome: 'UNDECIDED', errorCode: 'RSV_ERR_PAYMENT_CIRCUIT_OPEN' });
    expect(simulator.calls).toBe(3);
  });

  it('releases the inventory of a reservation whose payment failed', async () => {
    const counts = new Map<string, number>([['KNG|2026-05-01', 199]]);
    const reader: InventoryReader = { sold: (type, night) => counts.get(`${type}|${night}`) ?? 0 };
    const apply = (changes: readonly { roomTypeCode: string; night: string; soldAfter: number }[]) => {
      for (const c of changes) counts.set(`${c.roomTypeCode}|${c.night}`, c.soldAfter);
    };
    const limits = () => ({ capacity: 200, allowance: 16 });
    const holding = { roomTypeCode: 'KNG', rooms: 2, nights: nightsOf('2026-05-01', '2026-05-03') };
    const before = new Map(counts);

    const decision = decideReservation(reader, limits, holding);
    expect(decision.outcome).toBe('ACCEPTED');
    apply(decision.changes);
    expect(counts.get('KNG|2026-05-01')).toBe(201);

    const payment = await decideAuthorization(
      resilient(new SimulatedPaymentGateway()),
      request('tok_mc_0051', 'p1'),
    );
    expect(payment.outcome).toBe('DECLINED');
    apply(planRelease(reader, limits, holding).changes);
    expect(counts.get('KNG|2026-05-01')).toBe(before.get('KNG|2026-05-01'));
    expect(counts.get('KNG|2026-05-02')).toBe(0);
  });
});
