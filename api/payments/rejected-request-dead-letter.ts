/**
 * The dead letter of a `payment.requests` record the worker cannot even start on: not a readable request
 * (stage DESERIALIZATION), or one the worker threw on (stage PROCESSING, e.g. an amount that is not
 * money). Requests the gateway refuses are dead-lettered by the worker itself. The record's bytes are kept
 * unchanged for a replay; the event id is derived from the record's coordinates, so a re-run after a
 * crash produces the same dead letter, not a second one.
 */
import { PAYMENT_REQUESTS_TOPIC } from '../../processors/topology/payment-request.js';
import type { DeadLetter, FailureStage } from '../../schemas/generated/types.js';
import type { IncomingRecord } from '../../topology/internal/kafka/types.js';

/** Where the record was read and why it was rejected. */
export interface RejectedRecord {
  readonly applicationId: string;
  readonly partition: number;
  readonly message: IncomingRecord;
  readonly stage: FailureStage;
  readonly errorCode: string;
  readonly error: unknown;
  readonly now: number;
}

/** The dead letter and its key (the record's key, else the coordinates). */
export function rejectedRequestDeadLetter(record: RejectedRecord): { key: string; value: DeadLetter } {
  const { message, partition, error } = record;
  const coordinates = `${PAYMENT_REQUESTS_TOPIC}:${partition}:${message.offset}`;
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (Buffer.isBuffer(value)) headers[name] = value;
    else if (typeof value === 'string') headers[name] = Buffer.from(value, 'utf8');
  }
  const value: DeadLetter = {
    eventId: `${coordinates}:dead-letter`,
    eventType: 'DeadLetter',
    occurredAt: record.now,
    applicationId: record.applicationId,
    stage: record.stage,
    sourceTopic: PAYMENT_REQUESTS_TOPIC,
    sourcePartition: partition,
    sourceOffset: Number(message.offset),
    sourceTimestamp: Number(message.timestamp),
    processorNode: 'payment-worker',
    errorCode: record.errorCode,
    errorClass: (error as Error | undefined)?.constructor?.name ?? 'Error',
    errorMessage: (error as Error | undefined)?.message ?? String(error),
    retriable: false,
    key: message.key,
    value: message.value,
    headers,
  };
  return { key: message.key?.toString('utf8') ?? coordinates, value };
}
