/**
 * The payment gateway contract. The pipeline talks to any payment provider through this interface; the
 * default implementation is the deterministic {@link SimulatedPaymentGateway} in `simulated-gateway.ts`.
 *
 * Contract for implementers:
 * - Only a payment token ever crosses it (never a card number), and the amounts are exact `Money`.
 * - A business answer (authorised, declined) resolves. A transient failure (timeout, 5xx, connection
 *   refused) rejects with a `PaymentUnavailableError` (retriable); an invalid request rejects with a
 *   `PaymentRequestError` (not retriable).
 * - Every call carries an idempotency key: repeating a call with the same key and the same request
 *   returns the first answer and moves no money twice, so retries and replays are safe.
 */
import type { Money } from '../money.js';

/** Why a card was declined (simplified ISO 8583 response reasons). */
export type DeclineCode = 'CARD_DECLINED' | 'INSUFFICIENT_FUNDS' | 'EXPIRED_CARD';

/** Asks to hold `amount` on the card behind `paymentToken`. */
export interface AuthorizeRequest {
  /** The reservation's confirmation number, for the provider's reference. */
  readonly reference: string;
  readonly paymentToken: string;
  readonly amount: Money;
  readonly idempotencyKey: string;
}

/** The provider's answer to an authorisation. */
export type AuthorizeResult =
  | { readonly status: 'AUTHORIZED'; readonly authorizationId: string; readonly amount: Money }
  | { readonly status: 'DECLINED'; readonly declineCode: DeclineCode; readonly message: string };

/** Takes (part of) an authorised amount, e.g. at check-in. */
export interface CaptureRequest {
  readonly authorizationId: string;
  readonly amount: Money;
  readonly idempotencyKey: string;
}

/** A completed capture. */
export interface CaptureResult {
  readonly status: 'CAPTURED';
  readonly captureId: string;
  readonly amount: Money;
}

/** Gives money back (or releases an uncaptured hold) on an authorisation, e.g. on cancellation. */
export interface RefundRequest {
  readonly authorizationId: string;
  readonly amount: Money;
  readonly idempotencyKey: string;
}

/** A completed refund. */
export interface RefundResult {
  readonly status: 'REFUNDED';
  readonly refundId: string;
  readonly amount: Money;
}

/** A payment provider. See the contract at the top of this file. */
export interface PaymentGateway {
  /** A short name for logs and metrics, e.g. `simulator`. */
  readonly name: string;
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  capture(request: CaptureRequest): Promise<CaptureResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}
