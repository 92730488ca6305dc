/**
 * Daily settlement per property: every capture and refund the payment worker reports is added to the
 * batch of its business day (the property's local date of the event), and once stream time has passed
 * the end of that day plus `settlementDelayMs`, the batch is emitted once as `payment.settled` (captured,
 * refunded and net amounts, and the payments in it) and removed. A capture or refund that arrives for a
 * day already settled joins the next open day, so no money is left out of a batch.
 */
import type { PaymentCaptured, PaymentRefunded, PaymentSettled } from '../../schemas/generated/types.js';
import type { KeyValueStore } from '../../state/store.js';
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import type { StreamRecord } from '../../topology/record.js';
import { addDays, compareDates, type LocalDate } from '../domain/local-date.js';
import { money } from '../domain/money.js';
import { zonedDate, zonedInstant } from '../domain/timezone.js';
import type { ResolvedConfig } from './config.js';
import { fromEventMoney, toEventMoney } from './event-values.js';
import { emit } from './flow.js';

/** Store names of the settlement processor. */
export const SETTLEMENT_STORES = {
  /** `<propertyId>|<date>` → the open batch. */
  batches: 'settlement-batches',
  /** propertyId → the last business day settled. */
  closed: 'settlement-closed',
} as const;

/** An open settlement batch, as stored. */
export interface SettlementBatch {
  readonly currency: string;
  readonly paymentIds: readonly string[];
  readonly capturedMinor: number;
  readonly refundedMinor: number;
  /** Ids of the events in the batch, so a replayed capture is not counted twice. */
  readonly eventIds: readonly string[];
}

const HOUR_MS = 3_600_000;

/** Creates the settlement processor. */
export function settlementProcessor(
  config: ResolvedConfig,
): Processor<string, PaymentCaptured | PaymentRefunded, string, unknown> {
  let context: ProcessorContext<string, unknown>;
  let batches: KeyValueStore<string, SettlementBatch>;
  let closed: KeyValueStore<string, string>;
  return {
    init(ctx) {
      context = ctx;
      batches = ctx.getStateStore(SETTLEMENT_STORES.batches);
      closed = ctx.getStateStore(SETTLEMENT_STORES.closed);
      ctx.schedule(HOUR_MS, 'STREAM_TIME', (streamTime) => settleDueBatches(streamTime));
    },
    process(record: StreamRecord<string, PaymentCaptured | PaymentRefunded>) {
      const event = record.value;
      const property = config.catalog.property(event.propertyId);
      let date = zonedDate(record.timestamp, property.timeZone);
      const lastClosed = closed.get(property.propertyId);
      if (lastClosed !== undefined && compareDates(date, lastClosed) <= 0) date = addDays(lastClosed, 1);
      const key = `${property.propertyId}|${date}`;
      const batch = batches.get(key) ?? {
        currency: property.currency,
        paymentIds: [],
        capturedMinor: 0,
        refundedMinor: 0,
        eventIds: [],
      };
      if (batch.eventIds.includes(event.eventId)) return;
      const amount = fromEventMoney(event.amount).minor;
      const isCapture = event.eventType === 'PaymentCaptured';
      batches.put(key, {
        ...batch,
        paymentIds: batch.paymentIds.includes(event.paymentId)
          ? batch.paymentIds
          : [...batch.paymentIds, event.paymentId],
        capturedMinor: batch.capturedMinor + (isCapture ? amount : 0),
        refundedMinor: batch.refundedMinor + (isCapture ? 0 : amount),
        eventIds: [...batch.eventIds, event.eventId],
      });
    },
  };

  /** Settles every open batch whose business day ended at least `settlementDelayMs` ago in stream time. */
  function settleDueBatches(streamTime: number): void {
    for (const property of config.catalog.all()) {
      const due: Array<{ key: string; date: LocalDate; batch: SettlementBatch }> = [];
      const iterator = batches.prefixScan(`${property.propertyId}|`);
      try {
        for (const { key, value } of iterator) {
          const date = key.slice(property.propertyId.length + 1);
          const dayEnd = zonedInstant(addDays(date, 1), '00:00', property.timeZone);
          if (dayEnd + config.settlementDelayMs <= streamTime) due.push({ key, date, batch: value });
        }
      } finally {
        iterator.close();
      }
      for (const { key, date, batch } of due) {
        emit(
          context,
          'payment.settled',
          property.propertyId,
          settledEvent(property.propertyId, date, batch, streamTime),
          streamTime,
        );
        batches.delete(key);
        const lastClosed = closed.get(property.propertyId);
        if (lastClosed === undefined || compareDates(date, lastClosed) > 0)
          closed.put(property.propertyId, date);
      }
    }
  }
}

function settledEvent(
  propertyId: string,
  date: LocalDate,
  batch: SettlementBatch,
  at: number,
): PaymentSettled {
  const settlementId = `SETTLE-${propertyId}-${date}`;
  return {
    eventId: settlementId,
    eventType: 'PaymentSettled',
    occurredAt: at,
    settlementId,
    propertyId,
    settlementDate: date,
    paymentIds: [...batch.paymentIds],
    capturedAmount: toEventMoney(money(batch.capturedMinor, batch.currency)),
    refundedAmount: toEventMoney(money(batch.refundedMinor, batch.currency)),
    netAmount: toEventMoney(money(batch.capturedMinor - batch.refundedMinor, batch.currency)),
  };
}
