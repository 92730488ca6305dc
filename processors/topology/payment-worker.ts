/**
 * The payment worker: performs the requests the topology writes to `payment.requests` through a
 * (resilient) payment gateway and answers with the `payment.*` events the topology reads back. It lives
 * outside the topology because gateway calls are asynchronous and a processor must never await.
 *
 * It is transport-free: `handle()` takes one request and returns the records to produce, so the process
 * that runs it (a consumer loop in `api/`, or a test) decides how they are produced. A request whose
 * outcome cannot be decided (retries exhausted, circuit open, a request the gateway refuses) becomes a
 * dead letter on `payment.requests.dlq` with the request and the error: never silently dropped.
 */
import type {
  DeadLetter,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentFailed,
  PaymentFailureReason,
  PaymentInitiated,
  PaymentRefunded,
} from '../../schemas/generated/types.js';
import type { DeclineCode, PaymentGateway } from '../domain/payment/gateway.js';
import { decideAuthorization } from '../domain/payment/resilient-gateway.js';
import { ReservationError } from '../errors.js';
import { fromEventMoney, toEventMoney } from './event-values.js';
import { PAYMENT_REQUESTS_TOPIC, type PaymentRequest } from './payment-request.js';

/** A record for the worker's caller to produce, keyed by property like every topic of the pipeline. */
export type WorkerOutput =
  | { readonly topic: 'payment.initiated'; readonly key: string; readonly value: PaymentInitiated }
  | { readonly topic: 'payment.authorized'; readonly key: string; readonly value: PaymentAuthorized }
  | { readonly topic: 'payment.failed'; readonly key: string; readonly value: PaymentFailed }
  | { readonly topic: 'payment.captured'; readonly key: string; readonly value: PaymentCaptured }
  | { readonly topic: 'payment.refunded'; readonly key: string; readonly value: PaymentRefunded }
  | { readonly topic: 'payment.requests.dlq'; readonly key: string; readonly value: DeadLetter };

/** Where a request was read from, for dead letters. */
export interface RequestSource {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

const FAILURE_REASON: Readonly<Record<DeclineCode, PaymentFailureReason>> = {
  CARD_DECLINED: 'DECLINED',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  EXPIRED_CARD: 'EXPIRED_TOKEN',
};

/** Performs payment requests through `gateway` (normally a `ResilientPaymentGateway`). */
export class PaymentWorker {
  readonly #gateway: PaymentGateway;
  readonly #applicationId: string;
  readonly #now: () => number;

  constructor(gateway: PaymentGateway, options: { applicationId?: string; now?: () => number } = {}) {
    this.#gateway = gateway;
    this.#applicationId = options.applicationId ?? 'reservations';
    this.#now = options.now ?? Date.now;
  }

  /** Performs one request; resolves with the records to produce (never rejects for a gateway problem). */
  async handle(request: PaymentRequest, source: RequestSource): Promise<WorkerOutput[]> {
    const key = request.propertyId;
    const common = {
      paymentId: request.paymentId,
      confirmationNumber: request.confirmationNumber,
      propertyId: request.propertyId,
    };
    const amount = fromEventMoney(request.amount);
    try {
      if (request.type === 'AUTHORIZE') {
        const initiated: PaymentInitiated = {
          ...common,
          eventId: `${request.requestId}:initiated`,
          eventType: 'PaymentInitiated',
          occurredAt: this.#now(),
          amount: request.amount,
          paymentToken: request.paymentToken,
          gateway: this.#gateway.name,
          attempt: 1,
        };
        const decision = await decideAuthorization(this.#gateway, {
          reference: request.confirmationNumber,
          paymentToken: request.paymentToken,
          amount,
          idempotencyKey: request.requestId,
        });
        const occurredAt = this.#now();
        if (decision.outcome === 'AUTHORIZED') {
          const authorized: PaymentAuthorized = {
            ...common,
            eventId: `${request.requestId}:authorized`,
            eventType: 'PaymentAuthorized',
            occurredAt,
            amount: toEventMoney(decision.amount),
            authorizationCode: decision.authorizationId,
            gatewayReference: decision.authorizationId,
            expiresAt: null,
          };
          return [
            { topic: 'payment.initiated', key, value: initiated },
            { topic: 'payment.authorized', key, value: authorized },
          ];
        }
        if (decision.outcome === 'DECLINED') {
          const failed: PaymentFailed = {
            ...common,
            eventId: `${request.requestId}:failed`,
            eventType: 'PaymentFailed',
            occurredAt,
            amount: request.amount,
            reason: FAILURE_REASON[decision.declineCode],
            detail: decision.message,
            attempts: 1,
          };
          return [
            { topic: 'payment.initiated', key, value: initiated },
            { topic: 'payment.failed', key, value: failed },
          ];
        }
        return [
          { topic: 'payment.initiated', key, value: initiated },
          this.#deadLetter(request, source, decision.error),
        ];
      }
      if (request.type === 'CAPTURE') {
        const result = await this.#gateway.capture({
          authorizationId: request.gatewayReference,
          amount,
          idempotencyKey: request.requestId,
        });
        const captured: PaymentCaptured = {
          ...common,
          eventId: `${request.requestId}:captured`,
          eventType: 'PaymentCaptured',
          occurredAt: this.#now(),
          amount: toEventMoney(result.amount),
          authorizationCode: request.authorizationCode,
          gatewayReference: result.captureId,
        };
        return [{ topic: 'payment.captured', key, value: captured }];
      }
      const result = await this.#gateway.refund({
        authorizationId: request.gatewayReference,
        amount,
        idempotencyKey: request.requestId,
      });
      const refunded: PaymentRefunded = {
        ...common,
        eventId: `${request.requestId}:refunded`,
        eventType: 'PaymentRefunded',
        occurredAt: this.#now(),
        refundId: result.refundId,
        amount: toEventMoney(result.amount),
        cancellationFee: request.cancellationFee,
        gatewayReference: result.refundId,
      };
      return [{ topic: 'payment.refunded', key, value: refunded }];
    } catch (error) {
      return [this.#deadLetter(request, source, error)];
    }
  }

  #deadLetter(request: PaymentRequest, source: RequestSource, error: unknown): WorkerOutput {
    const coded = error instanceof ReservationError ? error : undefined;
    const value: DeadLetter = {
      eventId: `${request.requestId}:dead-letter`,
      eventType: 'DeadLetter',
      occurredAt: this.#now(),
      applicationId: this.#applicationId,
      stage: 'PROCESSING',
      sourceTopic: PAYMENT_REQUESTS_TOPIC,
      sourcePartition: source.partition,
      sourceOffset: source.offset,
      sourceTimestamp: source.timestamp,
      processorNode: 'payment-worker',
      errorCode: coded?.code ?? 'UNKNOWN',
      errorClass: (error as Error | undefined)?.constructor?.name ?? 'Error',
      errorMessage: (error as Error | undefined)?.message ?? String(error),
      retriable: coded?.retriable ?? false,
      key: Buffer.from(request.propertyId),
      // The request carries a payment token, never card data, so it can be kept for replay.
      value: Buffer.from(JSON.stringify(request)),
      headers: {},
    };
    return { topic: 'payment.requests.dlq', key: request.propertyId, value };
  }
}
