/** Turning the runtime's outgoing records into kafkajs messages, shared by both producers. */
import type { Message } from 'kafkajs';
import type { OutgoingRecord } from '../types.js';

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
