/** Turning the runtime's outgoing records into kafkajs messages, shared by both producers. */
import type { Message } from 'kafkajs';
import type { OutgoingRecord } from './types.js';

/** The kafkajs message for a record; headers whose value is `undefined` are left out. */
export function toMessage(record: OutgoingRecord): Message {
  const message: Message = { key: record.key, value: record.value, timestamp: String(record.timestamp) };
  if (record.partition !== undefined) message.partition = record.partition;
  if (record.headers !== undefined) {
    const headers: Record<string, Buffer | string> = {};
    for (const [name, value] of Object.entries(record.headers))
      if (value !== undefined) headers[name] = value;
    message.headers = headers;
  }
  return message;
}

/** Key, value and header bytes of a record, to refuse one the broker would reject as too large. */
export function recordBytes(record: OutgoingRecord): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  if (record.headers !== undefined) {
    for (const [name, value] of Object.entries(record.headers)) {
      if (value !== undefined)
        size += name.length + (typeof value === 'string' ? Buffer.byteLength(value) : value.length);
    }
  }
  return size;
}
