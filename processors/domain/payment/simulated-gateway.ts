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
 * was authorised, and keeps only tokens, never card data.
 */
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
}

const DECLINES: Readonly<Record<string, { code: DeclineCode; message: string }>> = {
  '0000': { code: 'CARD_DECLINED', message: 'the issuer declined the card' },
  '0051': { code: 'INSUFFICIENT_FUNDS', message: 'the card has insufficient funds' },
  '0054': { code: 'EXPIRED_CARD', message: 'the card has expired' },
};

interface Authorization {
  readonly amount: Money;
  captured: number;
  refunded: number;
}

/** The default {@link PaymentGateway}: deterministic, in memory. */
export class SimulatedPaymentGateway implements PaymentGateway {
  readonly name = 'simulator';
  readonly #random: RandomSource;
  readonly #latencyMs: number;
  readonly #jitterMs: number;
  readonly #failureRate: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #authorizations = new Map<string, Authorization>();
  /** Idempotency key → the request it was first used with (as JSON) and the answer. */
  readonly #answers = new Map<string, { request: string; answer: unknown }>();
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
  }

  /** Authorises unless the token's last four characters name a decline (see the file comment). */
  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const token = assertPaymentToken(request.paymentToken);
    checkAmount(request.amount, 'authorize');
    return this.#once('authorize', request, () => {
      const decline = DECLINES[token.slice(-4)];
      if (decline !== undefined) {
        return { status: 'DECLINED', declineCode: decline.code, message: decline.message } as const;
      }
      const authorizationId = `auth_${request.idempotencyKey}`;
      this.#authorizations.set(authorizationId, { amount: request.amount, captured: 0, refunded: 0 });
      return { status: 'AUTHORIZED', authorizationId, amount: request.amount } as const;
    });
  }

  /** Captures up to the authorised amount not yet captured or refunded. */
  async capture(request: CaptureRequest): Promise<CaptureResult> {
    checkAmount(request.amount, 'capture');
    return this.#once('capture', request, () => {
      const auth = this.#authorization(request.authorizationId, request.amount);
      const open = auth.amount.minor - auth.captured - auth.refunded;
      if (request.amount.minor > open) {
        throw new PaymentRequestError(
          `capture of ${request.amount.minor} exceeds the ${open} minor units still open on ${request.authorizationId}`,
        );
      }
      auth.captured += request.amount.minor;
      return {
        status: 'CAPTURED',
        captureId: `cap_${request.idempotencyKey}`,
        amount: request.amount,
      } as const;
    });
  }

  /** Refunds (or releases) up to the authorised amount not yet refunded. */
  async refund(request: RefundRequest): Promise<RefundResult> {
    checkAmount(request.amount, 'refund');
    return this.#once('refund', request, () => {
      const auth = this.#authorization(request.authorizationId, request.amount);
      const refundable = auth.amount.minor - auth.refunded;
      if (request.amount.minor > refundable) {
        throw new PaymentRequestError(
          `refund of ${request.amount.minor} exceeds the ${refundable} minor units refundable on ${request.authorizationId}`,
        );
      }
      auth.refunded += request.amount.minor;
      return {
        status: 'REFUNDED',
        refundId: `ref_${request.idempotencyKey}`,
        amount: request.amount,
      } as const;
    });
  }

  /** Simulated network: delay, maybe a transient failure, then the idempotent answer. */
  async #once<T>(operation: string, request: { idempotencyKey: string }, answer: () => T): Promise<T> {
    this.calls++;
    const delay = this.#latencyMs + Math.floor(this.#random.next() * this.#jitterMs);
    const fails = this.#random.next() < this.#failureRate;
    if (delay > 0) await this.#sleep(delay);
    if (fails) throw new PaymentUnavailableError(operation, 'simulated provider outage');

    const key = `${operation}:${request.idempotencyKey}`;
    const fingerprint = JSON.stringify(request);
    const previous = this.#answers.get(key);
    if (previous !== undefined) {
      if (previous.request !== fingerprint) {
        throw new PaymentRequestError(
          `idempotency key "${request.idempotencyKey}" was already used for a different ${operation}; use a new key`,
        );
      }
      return previous.answer as T;
    }
    const result = answer();
    this.#answers.set(key, { request: fingerprint, answer: result });
    return result;
  }

  #authorization(authorizationId: string, amount: Money): Authorization {
    const auth = this.#authorizations.get(authorizationId);
    if (auth === undefined) throw new PaymentRequestError(`authorization ${authorizationId} does not exist`);
    if (auth.amount.currency !== amount.currency) {
      throw new PaymentRequestError(
        `authorization ${authorizationId} is in ${auth.amount.currency}, not ${amount.currency}`,
      );
    }
    return auth;
  }
}

function checkAmount(amount: Money, operation: string): void {
  if (!Number.isSafeInteger(amount.minor) || amount.minor <= 0) {
    throw new PaymentRequestError(`${operation} amount must be a positive whole number of minor units`);
  }
}
