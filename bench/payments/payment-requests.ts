/**
 * The payment requests the payment worker loop is driven with, shared by its benchmark and its integration
 * test: one authorisation, then captures and refunds of parts of it. Only this order succeeds: a capture
 * or refund carries the authorisation's code, so the gateway refuses it before the authorisation.
 */
import type { PaymentRequest } from '../../processors/topology/payment-request.js';

export const money = (amount: string) => ({ amount, currency: 'EUR' });

/** A capture or refund after the authorisation; `name` ends its request id (`<confirmationNumber>:<name>`). */
export interface PaymentStep {
  readonly type: 'CAPTURE' | 'REFUND';
  readonly name: string;
  readonly amount: string;
}

export interface PaymentOf {
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly paymentToken: string;
  /** The authorised amount; the steps' amounts should add up to it. */
  readonly authorize: string;
  readonly steps: ReadonlyArray<PaymentStep>;
}

/** The requests of one payment (id `pay-<confirmationNumber>`), in the only order in which they succeed. */
export function paymentRequests(payment: PaymentOf): PaymentRequest[] {
  const { confirmationNumber, propertyId } = payment;
  const authorizeId = `${confirmationNumber}:authorize`;
  const common = { paymentId: `pay-${confirmationNumber}`, confirmationNumber, propertyId, occurredAt: 1 };
  // What the simulated gateway answers the authorisation with, so the later steps can name it up front.
  const later = {
    ...common,
    authorizationCode: `auth_${authorizeId}`,
    gatewayReference: `auth_${authorizeId}`,
  };
  return [
    {
      ...common,
      type: 'AUTHORIZE',
      requestId: authorizeId,
      amount: money(payment.authorize),
      paymentToken: payment.paymentToken,
    },
    ...payment.steps.map(
      (step): PaymentRequest =>
        step.type === 'CAPTURE'
          ? {
              ...later,
              type: 'CAPTURE',
              requestId: `${confirmationNumber}:${step.name}`,
              amount: money(step.amount),
            }
          : {
              ...later,
              type: 'REFUND',
              requestId: `${confirmationNumber}:${step.name}`,
              amount: money(step.amount),
              cancellationFee: money('0.00'),
            },
    ),
  ];
}
