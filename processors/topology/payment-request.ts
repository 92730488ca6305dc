/**
 * Payment requests: what the topology asks the payment worker to do. The topology is synchronous (a
 * processor must not await), so it never calls the gateway itself: it writes a request to the
 * `payment.requests` topic, the {@link PaymentWorker} performs it through the resilient gateway and
 * answers with `payment.*` events, which flow back into the topology. Carries a token, never card data.
 */
import type { Money } from '../../schemas/generated/types.js';

/** Authorise the reservation's total on the guest's payment token. */
export interface AuthorizePaymentRequest {
  readonly type: 'AUTHORIZE';
  /** Deterministic id of the request (also the gateway idempotency key): replays never pay twice. */
  readonly requestId: string;
  readonly paymentId: string;
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly amount: Money;
  readonly paymentToken: string;
  readonly occurredAt: number;
}

/** Capture (part of) an authorisation, at check-in. */
export interface CapturePaymentRequest {
  readonly type: 'CAPTURE';
  readonly requestId: string;
  readonly paymentId: string;
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly amount: Money;
  readonly authorizationCode: string;
  readonly gatewayReference: string;
  readonly occurredAt: number;
}

/** Refund (or release) part of an authorisation, on cancellation, keeping `cancellationFee`. */
export interface RefundPaymentRequest {
  readonly type: 'REFUND';
  readonly requestId: string;
  readonly paymentId: string;
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly amount: Money;
  readonly cancellationFee: Money;
  readonly authorizationCode: string;
  readonly gatewayReference: string;
  readonly occurredAt: number;
}

/** Any request on `payment.requests` (keyed by propertyId, like every topic of the pipeline). */
export type PaymentRequest = AuthorizePaymentRequest | CapturePaymentRequest | RefundPaymentRequest;

/** The topic of payment requests. */
export const PAYMENT_REQUESTS_TOPIC = 'payment.requests';
