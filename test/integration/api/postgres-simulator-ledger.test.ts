/**
 * The payment simulator on its Postgres ledger, as several instances use it: two gateways (two processes'
 * worth) on one database share authorisations, give one answer per idempotency key even when asked at
 * once, never move more money than authorised under concurrent calls, and report an unreachable database
 * as a retriable outage.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../api/db/migrate.js';
import { PostgresSimulatorLedger } from '../../../api/payments/postgres-simulator-ledger.js';
import { money } from '../../../processors/domain/money.js';
import { SimulatedPaymentGateway } from '../../../processors/domain/payment/simulated-gateway.js';
import { PaymentRequestError, PaymentUnavailableError } from '../../../processors/errors.js';
import { createDatabase } from './api-instance.js';

describe('payment simulator on Postgres', () => {
  let pool: pg.Pool;
  let drop: () => Promise<void>;
  let one: SimulatedPaymentGateway;
  let other: SimulatedPaymentGateway;

  beforeAll(async () => {
    const db = await createDatabase();
    drop = db.drop;
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    one = new SimulatedPaymentGateway({ ledger: new PostgresSimulatorLedger(pool) });
    other = new SimulatedPaymentGateway({ ledger: new PostgresSimulatorLedger(pool) });
  });
  afterAll(async () => {
    await pool?.end();
    await drop?.();
  });

  const authorize = (key: string, minor = 10_000) => ({
    reference: 'RSV-2026-000001',
    paymentToken: 'tok_visa_4242',
    amount: money(minor, 'EUR'),
    idempotencyKey: key,
  });

  it('captures and refunds on one instance what the other authorised, each key answered once', async () => {
    const auth = await one.authorize(authorize('pay-1'));
    expect(auth).toMatchObject({ status: 'AUTHORIZED', authorizationId: 'auth_pay-1' });
    // The same call through the other instance: the first answer, no second authorisation.
    expect(await other.authorize(authorize('pay-1'))).toEqual(auth);
    const capture = { authorizationId: 'auth_pay-1', amount: money(4_000, 'EUR'), idempotencyKey: 'cap-1' };
    expect(await other.capture(capture)).toMatchObject({ status: 'CAPTURED', captureId: 'cap_cap-1' });
    expect(await one.capture(capture)).toMatchObject({ status: 'CAPTURED' }); // a retry: no second capture
    const refund = { authorizationId: 'auth_pay-1', amount: money(10_000, 'EUR'), idempotencyKey: 'ref-1' };
    expect(await one.refund(refund)).toMatchObject({ status: 'REFUNDED', refundId: 'ref_ref-1' });
    const row = await pool.query(
      'SELECT captured_minor::int AS captured, refunded_minor::int AS refunded FROM payments.simulator_authorization',
    );
    expect(row.rows).toEqual([{ captured: 4_000, refunded: 10_000 }]);
    await expect(
      other.refund({ ...refund, idempotencyKey: 'ref-2', amount: money(1, 'EUR') }),
    ).rejects.toBeInstanceOf(PaymentRequestError);
    await expect(other.authorize(authorize('pay-1', 99))).rejects.toThrow(/already used for a different/);
  });

  it('moves no more than authorised when both instances capture at once', async () => {
    await one.authorize(authorize('pay-2', 10_000));
    const captures = Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? one : other).capture({
        authorizationId: 'auth_pay-2',
        amount: money(3_000, 'EUR'),
        idempotencyKey: `cap-2-${i}`,
      }),
    );
    const outcomes = await Promise.allSettled(captures);
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(3);
    const refusals = outcomes.filter((o) => o.status === 'rejected');
    expect(refusals.every((o) => (o as PromiseRejectedResult).reason instanceof PaymentRequestError)).toBe(
      true,
    );
  });

  it('reports an unreachable database as a retriable outage', async () => {
    const gone = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    const gateway = new SimulatedPaymentGateway({ ledger: new PostgresSimulatorLedger(gone) });
    const error = await gateway.authorize(authorize('pay-3')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentUnavailableError);
    expect((error as PaymentUnavailableError).retriable).toBe(true);
    await gone.end();
  });
});
