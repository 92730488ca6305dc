/**
 * The gateway as the payment processor uses it: every call goes through the retry helper (100 ms doubling
 * to 1.6 s, 5 retries) around a circuit breaker around the real gateway. {@link decideAuthorization}
 * turns the outcome into one of three decisions, so that a reservation whose payment cannot be decided is
 * never dropped: it is `UNDECIDED` and the processor sends it to the dead-letter topic.
 */
import { ReservationError } from '../../errors.js';
import type { Money } from '../money.js';
import { type CircuitBreakerOptions, GuardedCircuit } from './circuit-breaker.js';
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
import { type RetryOptions, withRetry } from './retry.js';

/** Settings of {@link ResilientPaymentGateway}. */
export interface ResilienceOptions {
  readonly retry?: RetryOptions;
  readonly circuit?: CircuitBreakerOptions;
}

/** A {@link PaymentGateway} that retries transient failures and guards the inner one with a breaker. */
export class ResilientPaymentGateway implements PaymentGateway {
  readonly name: string;
  readonly circuit: GuardedCircuit;
  readonly #inner: PaymentGateway;
  readonly #retry: RetryOptions;

  constructor(inner: PaymentGateway, options: ResilienceOptions = {}) {
    this.name = `resilient(${inner.name})`;
    this.#inner = inner;
    this.#retry = options.retry ?? {};
    this.circuit = new GuardedCircuit(`payment-${inner.name}`, options.circuit);
  }

  authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    return this.#call('authorize', () => this.#inner.authorize(request));
  }

  capture(request: CaptureRequest): Promise<CaptureResult> {
    return this.#call('capture', () => this.#inner.capture(request));
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    return this.#call('refund', () => this.#inner.refund(request));
  }

  /** Stops the breaker's timers. */
  close(): void {
    this.circuit.shutdown();
  }

  #call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return withRetry(() => this.circuit.run(operation, call), this.#retry);
  }
}

/** What the payment processor does with a reservation, decided. */
export type AuthorizationDecision =
  | { readonly outcome: 'AUTHORIZED'; readonly authorizationId: string; readonly amount: Money }
  | { readonly outcome: 'DECLINED'; readonly declineCode: DeclineCode; readonly message: string }
  /** Retries exhausted or a request the gateway refused: dead-letter it with this error, never drop it. */
  | {
      readonly outcome: 'UNDECIDED';
      readonly errorCode: string;
      readonly message: string;
      readonly error: unknown;
    };

/** Authorises through `gateway` (normally a {@link ResilientPaymentGateway}); never throws. */
export async function decideAuthorization(
  gateway: PaymentGateway,
  request: AuthorizeRequest,
): Promise<AuthorizationDecision> {
  try {
    const result = await gateway.authorize(request);
    if (result.status === 'AUTHORIZED') {
      return { outcome: 'AUTHORIZED', authorizationId: result.authorizationId, amount: result.amount };
    }
    return { outcome: 'DECLINED', declineCode: result.declineCode, message: result.message };
  } catch (error) {
    const errorCode = error instanceof ReservationError ? error.code : 'UNKNOWN';
    return { outcome: 'UNDECIDED', errorCode, message: (error as Error)?.message ?? String(error), error };
  }
}
