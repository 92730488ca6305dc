/**
 * The payment simulator's state in Postgres (`payments.simulator_authorization`, `payments.simulator_answer`):
 * the place every instance of the application reaches, as a real provider's servers are, so that an
 * authorisation made through one instance is captured or refunded through any other, after any rebalance.
 * Chosen over a separate HTTP service because Postgres already runs beside every instance and gives the
 * two things a provider needs for free: atomic read-modify-write of an authorisation, and one answer per
 * idempotency key across instances (transaction-scoped advisory locks on the key and the authorisation).
 * Upserts make a retried write harmless. A Postgres failure is a retriable `PaymentUnavailableError`, so
 * the gateway's retries and circuit breaker treat it as the provider being briefly unreachable.
 */
import type { Pool, PoolClient } from 'pg';
import type {
  SimulatedAuthorization,
  SimulatorLedger,
  SimulatorTransaction,
  StoredAnswer,
} from '../../processors/domain/payment/simulator-ledger.js';
import { PaymentUnavailableError, ReservationError } from '../../processors/errors.js';

/** {@link SimulatorLedger} on Postgres; see the file comment. */
export class PostgresSimulatorLedger implements SimulatorLedger {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async transaction<T>(locks: readonly string[], work: (tx: SimulatorTransaction) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
    try {
      await client.query('BEGIN');
      // Sorted, so two transactions naming the same locks take them in one order and never deadlock.
      for (const lock of [...new Set(locks)].sort()) {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `payment-simulator:${lock}`,
        ]);
      }
      const result = await work(transactionOver(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A business refusal of the simulator stays what it is; anything else is Postgres failing.
      throw error instanceof ReservationError ? error : unavailable(error);
    } finally {
      client.release();
    }
  }
}

function unavailable(error: unknown): PaymentUnavailableError {
  return new PaymentUnavailableError('ledger', `Postgres: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

function transactionOver(client: PoolClient): SimulatorTransaction {
  return {
    async answer(key): Promise<StoredAnswer | undefined> {
      const result = await client.query<{ request_digest: string; answer: unknown }>(
        'SELECT request_digest, answer FROM payments.simulator_answer WHERE idempotency_key = $1',
        [key],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : { fingerprint: row.request_digest, answer: row.answer };
    },
    async saveAnswer(key, stored): Promise<void> {
      await client.query(
        `INSERT INTO payments.simulator_answer (idempotency_key, request_digest, answer) VALUES ($1, $2, $3)
         ON CONFLICT (idempotency_key) DO UPDATE SET request_digest = excluded.request_digest, answer = excluded.answer`,
        [key, stored.fingerprint, JSON.stringify(stored.answer)],
      );
    },
    async authorization(authorizationId): Promise<SimulatedAuthorization | undefined> {
      const result = await client.query<{
        amount_minor: string;
        currency: string;
        captured_minor: string;
        refunded_minor: string;
      }>(
        `SELECT amount_minor, currency, captured_minor, refunded_minor
         FROM payments.simulator_authorization WHERE authorization_id = $1`,
        [authorizationId],
      );
      const row = result.rows[0];
      if (row === undefined) return undefined;
      return {
        amount: { minor: Number(row.amount_minor), currency: row.currency },
        capturedMinor: Number(row.captured_minor),
        refundedMinor: Number(row.refunded_minor),
      };
    },
    async saveAuthorization(authorizationId, a): Promise<void> {
      await client.query(
        `INSERT INTO payments.simulator_authorization
           (authorization_id, amount_minor, currency, captured_minor, refunded_minor)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (authorization_id) DO UPDATE SET amount_minor = excluded.amount_minor,
           currency = excluded.currency, captured_minor = excluded.captured_minor,
           refunded_minor = excluded.refunded_minor, updated_at = now()`,
        [authorizationId, a.amount.minor, a.amount.currency, a.capturedMinor, a.refundedMinor],
      );
    },
  };
}
