import { randomBytes } from 'node:crypto';

/**
 * A name no other test (in this run or an earlier one against the same broker) uses, for topics, consumer
 * groups, transactional ids and application ids: `<prefix>-<time>-<random>`, only characters Kafka
 * allows in topic names. Every test creates its own topics, so tests never see each other's records.
 *
 * @example
 * const input = uniqueName('orders-in'); // e.g. orders-in-lx2k9c-3f9a1b
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 180);
  return `${safe}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
