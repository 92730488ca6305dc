import { describe, expect, it } from 'vitest';
import { money } from '../../../../../processors/domain/money.js';
import type { AuthorizeRequest } from '../../../../../processors/domain/payment/gateway.js';
import { seededRandom } from '../../../../../processors/domain/payment/seeded-random.js';
import { SimulatedPaymentGateway } from '../../../../../processors/domain/payment/simulated-gateway.js';
import {
  PaymentRequestError,
  PaymentUnavailableError,
  RawCardDataError,
} from '../../../../../processors/errors.js';

const authorize = (token: string, key = `key-${token}`, minor = 25_000): AuthorizeRequest => ({
  reference: 'RSV-2026-000001',
  paymentToken: token,
  amount: money(minor, 'EUR'),
  idempotencyKey: key,
});

describe('simulated payment gateway', () => {
  it('declines by the last four characters of the token and authorises the rest', async () => {
    const gateway = new SimulatedPaymentGateway();
    expect(await gateway.authorize(authorize('tok_visa_4242'))).toEqual({
      status: 'AUTHORIZED',
      authorizationId: 'auth_key-tok_visa_4242',
      amount: money(25_000, 'EUR'),
    });
    expect(await gateway.authorize(authorize('tok_visa_0000'))).toMatchObject({
      status: 'DECLINED',
      declineCode: 'CARD_DECLINED',
    });
    expect(await gateway.authorize(authorize('tok_mc_0051'))).toMatchObject({
      declineCode: 'INSUFFICIENT_FUNDS',
    });
    expect(await gateway.authorize(authorize('tok_mc_0054'))).toMatchObject({ declineCode: 'EXPIRED_CARD' });
  });

  it('refuses a raw card number without echoing it', async () => {
    const gateway = new SimulatedPaymentGateway();
    const call = gateway.authorize(authorize('4111111111111111'));
    await expect(call).rejects.toBeInstanceOf(RawCardDataError);
    await expect(gateway.authorize(authorize('4111111111111111'))).rejects.not.toThrow(/4111/);
  });

  it('answers a repeated idempotency key with the first answer, and refuses the key for another request', async () => {
    const gateway = new SimulatedPaymentGateway();
    const first = await gateway.authorize(authorize('tok_visa_4242', 'k1'));
    expect(await gateway.authorize(authorize('tok_visa_4242', 'k1'))).toBe(first);
    await expect(gateway.authorize(authorize('tok_visa_4242', 'k1', 1))).rejects.toThrow(
      /idempotency key "k1" was already used for a different authorize/,
    );
  });

  it('captures and refunds within what was authorised', async () => {
    const gateway = new SimulatedPaymentGateway();
    const auth = await gateway.authorize(authorize('tok_visa_4242', 'a1', 30_000));
    if (auth.status !== 'AUTHORIZED') throw new Error('expected an authorisation');
    const id = auth.authorizationId;
    expect(
      await gateway.capture({ authorizationId: id, amount: money(20_000, 'EUR'), idempotencyKey: 'c1' }),
    ).toEqual({
      status: 'CAPTURED',
      captureId: 'cap_c1',
      amount: money(20_000, 'EUR'),
    });
    await expect(
      gateway.capture({ authorizationId: id, amount: money(10_001, 'EUR'), idempotencyKey: 'c2' }),
    ).rejects.toThrow(/exceeds the 10000 minor units still open/);
    expect(
      await gateway.refund({ authorizationId: id, amount: money(30_000, 'EUR'), idempotencyKey: 'r1' }),
    ).toMatchObject({
      status: 'REFUNDED',
    });
    await expect(
      gateway.refund({ authorizationId: id, amount: money(1, 'EUR'), idempotencyKey: 'r2' }),
    ).rejects.toThrow(PaymentRequestError);
    await expect(
      gateway.refund({ authorizationId: 'auth_nope', amount: money(1, 'EUR'), idempotencyKey: 'r3' }),
    ).rejects.toThrow(/authorization auth_nope does not exist/);
    await expect(
      gateway.refund({ authorizationId: id, amount: money(1, 'USD'), idempotencyKey: 'r4' }),
    ).rejects.toThrow(/is in EUR, not USD/);
  });

  it('fails transiently and waits exactly as its seed says, the same on every run', async () => {
    const run = async () => {
      const waits: number[] = [];
      const gateway = new SimulatedPaymentGateway({
        seed: 42,
        latencyMs: 20,
        jitterMs: 30,
        failureRate: 0.3,
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          outcomes.push((await gateway.authorize(authorize('tok_visa_4242', `k${i}`))).status);
        } catch (error) {
          expect(error).toBeInstanceOf(PaymentUnavailableError);
          expect((error as PaymentUnavailableError).retriable).toBe(true);
          outcomes.push('UNAVAILABLE');
        }
      }
      return { waits, outcomes };
    };
    const first = await run();
    expect(await run()).toEqual(first);
    // The expected run, recomputed from the generator: per call one draw for jitter, one for failure.
    const random = seededRandom(42);
    const expected = { waits: [] as number[], outcomes: [] as string[] };
    for (let i = 0; i < 20; i++) {
      expected.waits.push(20 + Math.floor(random.next() * 30));
      expected.outcomes.push(random.next() < 0.3 ? 'UNAVAILABLE' : 'AUTHORIZED');
    }
    expect(first).toEqual(expected);
    expect(first.outcomes).toContain('UNAVAILABLE');
    expect(first.outcomes).toContain('AUTHORIZED');
  });

  it('checks its options and amounts', async () => {
    expect(() => new SimulatedPaymentGateway({ failureRate: 1.5 })).toThrow(/failureRate 1.5/);
    await expect(new SimulatedPaymentGateway().authorize(authorize('tok_visa_4242', 'z', 0))).rejects.toThrow(
      /positive whole number/,
    );
  });
});

describe('seeded random', () => {
  it('repeats per seed, differs between seeds and stays in [0, 1)', () => {
    const draw = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed).next);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const values = draw(0);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
