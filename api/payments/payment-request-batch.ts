/**
 * Turns a fetched batch of `payment.requests` into per-reservation queues. Requests of one reservation
 * (one confirmation number) must be performed in offset order: a refund or a capture needs the
 * authorisation before it. Different reservations are independent, so their queues may run side by side.
 * A record that is not a readable request gets a queue of its own and is dead-lettered, never retried
 * forever (the topic is written by the topology only, so such a record is a bug to look at, not to block on).
 */
import type { PaymentRequest } from '../../processors/topology/payment-request.js';
import type { IncomingRecord } from '../../topology/internal/kafka/types.js';

/** One record of the batch and what it holds. */
export type BatchEntry =
  | {
      readonly kind: 'request';
      readonly index: number;
      readonly message: IncomingRecord;
      readonly request: PaymentRequest;
    }
  | {
      readonly kind: 'unreadable';
      readonly index: number;
      readonly message: IncomingRecord;
      readonly reason: string;
    }
  /** A tombstone: nothing to perform. */
  | { readonly kind: 'empty'; readonly index: number; readonly message: IncomingRecord };

const REQUEST_TYPES: ReadonlySet<string> = new Set(['AUTHORIZE', 'CAPTURE', 'REFUND']);
const REQUIRED_TEXT = ['requestId', 'paymentId', 'confirmationNumber', 'propertyId'] as const;

/** Reads one record; never throws. */
export function readEntry(message: IncomingRecord, index: number): BatchEntry {
  if (message.value === null) return { kind: 'empty', index, message };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    return { kind: 'unreadable', index, message, reason: `not JSON: ${(error as Error).message}` };
  }
  const reason = whyNotARequest(parsed);
  if (reason !== undefined) return { kind: 'unreadable', index, message, reason };
  return { kind: 'request', index, message, request: parsed as PaymentRequest };
}

/** Only what the loop relies on to order and route a request; the worker checks amounts and tokens. */
function whyNotARequest(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const fields = value as Record<string, unknown>;
  if (typeof fields.type !== 'string' || !REQUEST_TYPES.has(fields.type)) {
    return `type ${JSON.stringify(fields.type)} is not one of ${[...REQUEST_TYPES].join(', ')}`;
  }
  for (const name of REQUIRED_TEXT) {
    if (typeof fields[name] !== 'string' || fields[name] === '') return `${name} is missing or not a string`;
  }
  return undefined;
}

/**
 * The batch's entries as queues: one per reservation (in offset order), one per unreadable record.
 * Tombstones are left out (the caller marks them done at once).
 */
export function queuesByReservation(entries: readonly BatchEntry[]): BatchEntry[][] {
  const queues = new Map<string, BatchEntry[]>();
  for (const entry of entries) {
    if (entry.kind === 'empty') continue;
    const key =
      entry.kind === 'request' ? `reservation:${entry.request.confirmationNumber}` : `record:${entry.index}`;
    const queue = queues.get(key);
    if (queue === undefined) queues.set(key, [entry]);
    else queue.push(entry);
  }
  return [...queues.values()];
}
