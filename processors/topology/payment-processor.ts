/**
 * The payment step of the topology: decides what money must move and asks the payment worker to move it
 * on `payment.requests` (the topology itself never awaits a gateway). A new reservation is authorised for
 * its total; an authorisation answer is recorded on the reservation; a cancellation is priced by the
 * property's cancellation policy and refunds what was paid minus the fee; a modification that lowers the
 * price refunds the difference (one that raises it leaves a balance due at check-in); a check-in
 * captures the authorised amount; an authorisation that arrives after the reservation was cancelled is
 * released.
 */
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import type { StreamRecord } from '../../topology/record.js';
import { cancellationOutcome } from '../domain/cancellation-policy.js';
import { money } from '../domain/money.js';
import type { ResolvedConfig } from './config.js';
import { fromEventMoney, toEventMoney } from './event-values.js';
import { emit, NODES, next, type Step } from './flow.js';
import { PAYMENT_REQUESTS_TOPIC, type PaymentRequest } from './payment-request.js';
import { paymentIdOf, type ReservationState } from './reservation-state.js';

/** Creates the payment-request processor. */
export function paymentProcessor(config: ResolvedConfig): Processor<string, Step, string, unknown> {
  let context: ProcessorContext<string, unknown>;
  return {
    init(ctx) {
      context = ctx;
    },
    process(record: StreamRecord<string, Step>) {
      const step = record.value;
      const { command } = step;
      const state = step.state;
      if (state === null || step.refusal !== null) {
        next(context, NODES.status, step);
        return;
      }
      let updated: ReservationState = state;
      const request = (value: PaymentRequest) =>
        emit(context, PAYMENT_REQUESTS_TOPIC, step.propertyId, value, step.timestamp);
      const paymentId = paymentIdOf(step.confirmationNumber);

      if (command.kind === 'CREATE' && state.price !== null) {
        request({
          type: 'AUTHORIZE',
          requestId: `${step.eventId}:authorize`,
          paymentId,
          confirmationNumber: step.confirmationNumber,
          propertyId: step.propertyId,
          amount: toEventMoney(money(state.price.totalMinor, state.price.currency)),
          paymentToken: state.paymentToken,
          occurredAt: step.timestamp,
        });
      } else if (command.kind === 'AUTHORIZED') {
        const authorized = fromEventMoney(command.event.amount).minor;
        updated = {
          ...state,
          payment: {
            paymentId,
            authorizedMinor: authorized,
            authorizationCode: command.event.authorizationCode,
            gatewayReference: command.event.gatewayReference,
            capturedMinor: 0,
            refundedMinor: step.voidAuthorization ? authorized : 0,
            balanceDueMinor: 0,
          },
        };
        if (step.voidAuthorization) {
          request({
            type: 'REFUND',
            requestId: `${step.eventId}:void`,
            paymentId,
            confirmationNumber: step.confirmationNumber,
            propertyId: step.propertyId,
            amount: command.event.amount,
            cancellationFee: toEventMoney(money(0, command.event.amount.currency)),
            authorizationCode: command.event.authorizationCode,
            gatewayReference: command.event.gatewayReference,
            occurredAt: step.timestamp,
          });
        }
      } else if (command.kind === 'CANCEL' && state.price !== null) {
        const property = config.catalog.property(step.propertyId);
        const { price, payment } = state;
        const currency = price.currency;
        const outcome = cancellationOutcome(property, {
          checkIn: state.stay.checkInDate,
          rooms: state.stay.rooms,
          firstNightRate: money(price.nightly[0]?.rateMinor ?? 0, currency),
          total: money(price.totalMinor, currency),
          paid: money(payment === null ? 0 : payment.authorizedMinor - payment.refundedMinor, currency),
          cancelledAt: step.timestamp,
        });
        updated = {
          ...state,
          cancellation: {
            free: outcome.free,
            deadline: outcome.deadline,
            feeMinor: outcome.fee.minor,
            refundMinor: outcome.refund.minor,
          },
        };
        if (payment !== null && payment.authorizationCode !== null && outcome.refund.minor > 0) {
          updated = {
            ...updated,
            payment: { ...payment, refundedMinor: payment.refundedMinor + outcome.refund.minor },
          };
          request({
            type: 'REFUND',
            requestId: `${step.eventId}:refund`,
            paymentId,
            confirmationNumber: step.confirmationNumber,
            propertyId: step.propertyId,
            amount: toEventMoney(outcome.refund),
            cancellationFee: toEventMoney(outcome.fee),
            authorizationCode: payment.authorizationCode,
            gatewayReference: payment.gatewayReference ?? '',
            occurredAt: step.timestamp,
          });
        }
      } else if (command.kind === 'MODIFY' && state.price !== null && state.payment !== null) {
        // The new price against what the guest has paid: refund a decrease now, record an increase as
        // a balance due at check-in.
        const { payment, price } = state;
        const paid = payment.authorizedMinor - payment.refundedMinor;
        const difference = price.totalMinor - paid;
        updated = { ...state, payment: { ...payment, balanceDueMinor: Math.max(0, difference) } };
        if (difference < 0 && payment.authorizationCode !== null) {
          updated = {
            ...state,
            payment: { ...payment, balanceDueMinor: 0, refundedMinor: payment.refundedMinor - difference },
          };
          request({
            type: 'REFUND',
            requestId: `${step.eventId}:refund-difference`,
            paymentId,
            confirmationNumber: step.confirmationNumber,
            propertyId: step.propertyId,
            amount: toEventMoney(money(-difference, price.currency)),
            cancellationFee: toEventMoney(money(0, price.currency)),
            authorizationCode: payment.authorizationCode,
            gatewayReference: payment.gatewayReference ?? '',
            occurredAt: step.timestamp,
          });
        }
      } else if (command.kind === 'CHECK_IN' && state.payment !== null && state.price !== null) {
        const { payment } = state;
        const open = payment.authorizedMinor - payment.capturedMinor - payment.refundedMinor;
        if (open > 0 && payment.authorizationCode !== null) {
          updated = { ...state, payment: { ...payment, capturedMinor: payment.capturedMinor + open } };
          request({
            type: 'CAPTURE',
            requestId: `${step.eventId}:capture`,
            paymentId,
            confirmationNumber: step.confirmationNumber,
            propertyId: step.propertyId,
            amount: toEventMoney(money(open, state.price.currency)),
            authorizationCode: payment.authorizationCode,
            gatewayReference: payment.gatewayReference ?? '',
            occurredAt: step.timestamp,
          });
        }
      }
      next(context, NODES.status, { ...step, state: updated });
    },
  };
}
