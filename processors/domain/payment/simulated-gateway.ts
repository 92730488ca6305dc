/**
 * A deterministic payment gateway for tests, demos and the benchmark: no network, exact outcomes.
 *
 * Rules (on the last four characters of the payment token):
 * - `0000` → declined `CARD_DECLINED`; `0051` → `INSUFFICIENT_FUNDS`; `0054` → `EXPIRED_CARD`;
 * - anything else → authorised for the full amount.
 * Transient trouble is simulated from a seeded generator: each call first waits `latencyMs` plus a
 * jitter in `[0, jitterMs)`, then fails with a retriable `PaymentUnavailableError` with probability
 * `failureRate`, before it has any effect. The same seed and call order give the same run every time.
 *
 * Like a real provider, it is idempotent per idempotency key, refuses captures and refunds beyond what
 * was authorised, and keeps only tokens, never card data. Like a real provider's, its state is not in the
 * caller's process: it lives in a {@link SimulatorLedger} (the application's is Postgres, reached by every
 * instance), so an authorisation made by one instance is captured or refunded by any other. Each call is
 * one ledger transaction, locked on its idempotency key (and on the authorisation it moves money on).
 */
import { createHash } from 'node:crypto';
import { PaymentRequestError, PaymentUnavailableError } from '../../errors.js';
import { assertPaymentToken } from '../card-token.js';
import type { Money } from '../money.js';
import type {
  AuthorizeRequest,
  AuthorizeResult,
  CaptureRequest,
  CaptureResult,
  DeclineCode,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from './gateway.js';
import { type RandomSource, seededRandom } from './seeded-random.js';
import {
  InMemorySimulatorLedger,
  type SimulatedAuthorization,
  type SimulatorLedger,
  type SimulatorTransaction,
} from './simulator-ledger.js';

/** Settings of the simulator; all optional. */
export interface SimulatedGatewayOptions {
  /** Seed of the generator behind jitter and failures (default 1). */
  readonly seed?: number;
  /** Fixed delay of every call, ms (default 0). */
  readonly latencyMs?: number;
  /** Extra random delay in `[0, jitterMs)`, ms (default 0). */
  readonly jitterMs?: number;
  /** Probability in `[0, 1]` that a call fails transiently (default 0). */
  readonly failureRate?: number;
  /** How to wait; tests pass a recorder instead of real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where authorisations and answers live (default: this process's memory). */
  readonly ledger?: SimulatorLedger;
}

const DECLINES: Readonly<Record<string, { code: DeclineCode; message: string }>> = {
  '0000': { code: 'CARD_DECLINED', message: 'the issuer declined the card' },
  '0051': { code: 'INSUFFICIENT_FUNDS', message: 'the card has insufficient funds' },
  '0054': { code: 'EXPIRED_CARD', message: 'the card has expired' },
};

/** The default {@link PaymentGateway}: deterministic, its state in a {@link SimulatorLedger}. */
export class SimulatedPaymentGateway implements PaymentGateway {
  readonly name = 'simulator';
  readonly #random: RandomSource;
  readonly #latencyMs: number;
  readonly #jitterMs: number;
  readonly #failureRate: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #ledger: SimulatorLedger;
  /** Calls made, including failed ones; for tests and metrics. */
  calls = 0;

  constructor(options: SimulatedGatewayOptions = {}) {
    const failureRate = options.failureRate ?? 0;
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new PaymentRequestError(`failureRate ${failureRate} must be between 0 and 1`);
    }
    this.#random = seededRandom(options.seed ?? 1);
    this.#latencyMs = options.latencyMs ?? 0;
    this.#jitterMs = options.jitterMs ?? 0;
    this.#failureRate = failureRate;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#ledger = options.ledger ?? new InMemorySimulatorLedger();
  }

  /** Authorises unless the token's last four characters name a decline (see the file comment). */
  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const token = assertPaymentToken(request.paymentToken);
    checkAmount(request.amount, 'authorize');
    return this.#once('authorize', request, [], async (tx): Promise<AuthorizeResult> => {
      const decline = DECLINES[token.slice(-4)];
      if (decline !== undefined) {
        return { status: 'DECLINED', declineCode: decline.code, message: decline.message };
      }
      const authorizationId = `auth_${request.idempotencyKey}`;
      await tx.saveAuthorization(authorizationId, {
        amount: request.amount,
        capturedMinor: 0,
        refundedMinor: 0,
      });
      return { status: 'AUTHORIZED', authorizationId, amount: request.amount };
    });
  }

  /** Captures up to the authorised amount not yet captured or refunded. */
  async capture(request: CaptureRequest): Promise<CaptureResult> {
    checkAmount(request.amount, 'capture');
    return this.#once('capture', request, [request.authorizationId], async (tx): Promise<CaptureResult> => {
      const auth = await authorizationOf(tx, request.authorizationId, request.amount);
      const open = auth.amount.minor - auth.capturedMinor - auth.refundedMinor;
      if (request.amount.minor > open) {
        throw new PaymentRequestError(
          `capture of ${request.amount.minor} exceeds the ${open} minor units still open on ${request.authorizationId}`,
        );
      }
      await tx.saveAuthorization(request.authorizationId, {
        ...auth,
        capturedMinor: auth.capturedMinor + request.amount.minor,
      });
      return { status: 'CAPTURED', captureId: `cap_${request.idempotencyKey}`, amount: request.amount };
    });
  }

  /** Refunds (or releases) up to the authorised amount not yet refunded. */
  async refund(request: RefundRequest): Promise<RefundResult> {
    checkAmount(request.amount, 'refund');
    return this.#once('refund', request, [request.authorizationId], async (tx): Promise<RefundResult> => {
      const auth = await authorizationOf(tx, request.authorizationId, request.amount);
      const refundable = auth.amount.minor - auth.refundedMinor;
      if (request.amount.minor > refundable) {
        throw new PaymentRequestError(
          `refund of ${request.amount.minor} exceeds the ${refundable} minor units refundable on ${request.authorizationId}`,
        );
      }
      await tx.saveAuthorization(request.authorizationId, {
        ...auth,
        refundedMinor: auth.refundedMinor + request.amount.minor,
      });
      return { status: 'REFUNDED', refundId: `ref_${request.idempotencyKey}`, amount: request.amount };
    });
  }

  /**
   * Simulated network: delay, maybe a transient failure, then the idempotent answer, in one ledger
   * transaction locked on the idempotency key and `locks`.
   */
  async #once<T>(
    operation: string,
    request: { idempotencyKey: string },
    locks: readonly string[],
    answer: (tx: SimulatorTransaction) => Promise<T>,
  ): Promise<T> {
    this.calls++;
    const delay = this.#latencyMs + Math.floor(this.#random.next() * this.#jitterMs);
    const fails = this.#random.next() < this.#failureRate;
    if (delay > 0) await this.#sleep(delay);
    if (fails) throw new PaymentUnavailableError(operation, 'simulated provider outage');

    const key = `${operation}:${request.idempotencyKey}`;
    // A digest, so the ledger holds no payment token.
    const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    return this.#ledger.transaction([key, ...locks], async (tx) => {
      const previous = await tx.answer(key);
      if (previous !== undefined) {
        if (previous.fingerprint !== fingerprint) {
          throw new PaymentRequestError(
            `idempotency key "${request.idempotencyKey}" was already used for a different ${operation}; use a new key`,
          );
        }
        return previous.answer as T;
      }
      const result = await answer(tx);
      await tx.saveAnswer(key, { fingerprint, answer: result });
      return result;
    });
  }
}

async function authorizationOf(
  tx: SimulatorTransaction,
  authorizationId: string,
  amount: Money,
): Promise<SimulatedAuthorization> {
  const auth = await tx.authorization(authorizationId);
  if (auth === undefined) throw new PaymentRequestError(`authorization ${authorizationId} does not exist`);
  if (auth.amount.currency !== amount.currency) {
    throw new PaymentRequestError(
      `authorization ${authorizationId} is in ${auth.amount.currency}, not ${amount.currency}`,
    );
  }
  return auth;
}

function checkAmount(amount: Money, operation: string): void {
  if (!Number.isSafeInteger(amount.minor) || amount.minor <= 0) {
    throw new PaymentRequestError(`${operation} amount must be a positive whole number of minor units`);
  }
}
