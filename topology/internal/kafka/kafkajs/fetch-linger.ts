/**
 * Fetches that linger while records flow and answer at once when they start to flow again.
 *
 * kafkajs 2.2.4 has no fetch sessions (KIP-227): every fetch names every assigned partition and kafkajs
 * decodes every partition of the answer, builds a batch for each and walks them through its runner, so a
 * stream thread reading 9 topics of 12 partitions pays for 108 partitions per fetch however few records
 * came back. With `minBytes` 1 a busy member fetched again as soon as one record was there, hundreds of
 * times a second: on the reservation pipeline at 10,000 reservations a minute about 40 % of the instance's
 * CPU went with it (bench/RESULTS.md). A fixed `maxWaitTime` of a few milliseconds with a large `minBytes`
 * cuts that, but keeps an idle member fetching empty every few milliseconds and delays the first record
 * after a quiet spell by the wait.
 *
 * So a member registered here lingers only while busy: after a fetch that brought records, the next one
 * waits up to `lingerMs` for `minBytes`; after an empty one, it asks for 1 byte and waits up to its
 * configured `maxWaitTime`, so the first record after a quiet spell is answered at once. kafkajs reads
 * both settings from the consumer group at each fetch, which `ConsumerGroup.prototype.fetch` starts with.
 * Members are told apart by group id (a process running two members of one group gives both the same
 * settings: they come from one configuration).
 *
 * The same members get only the partitions that brought something: kafkajs hands every empty partition of
 * an answer to its runner as a batch of its own, which does nothing with it but a heartbeat check, so each
 * fetch cost a walk through up to 108 batches. A batch whose records were all filtered (transaction
 * markers, aborted records) stays: kafkajs moves the position past it. When nothing is left the runner
 * heartbeats, as after an empty fetch.
 */
import type { createRequire } from 'node:module';

/** How a member of a consumer group fetches while records flow. */
export interface FetchLinger {
  /** Longest a fetch waits for `minBytes` while records flow, milliseconds. */
  readonly lingerMs: number;
  /** What a fetch waits for while records flow, bytes. */
  readonly minBytes: number;
}

interface KafkajsConsumerGroup {
  readonly groupId: string;
  minBytes: number;
  maxWaitTime: number;
  fetch(nodeId: number): Promise<Array<{ isEmpty(): boolean; isEmptyDueToFiltering(): boolean }>>;
}

type Registered = FetchLinger & { idleWaitMs: number; busy: boolean };

const REGISTRY = Symbol.for('tstreams.kafkajs.fetchLingers');

/**
 * Per group id: the linger, and the wait an idle fetch keeps (the member's configured `maxWaitTime`). On
 * `globalThis`, because kafkajs is loaded once per process but this module may be evaluated more than once
 * (a test runner's fresh module graph per test file, two copies of the library): the patch installed by the
 * first copy must see what every copy registers.
 */
const shared = globalThis as { [REGISTRY]?: Map<string, Registered> };
shared[REGISTRY] ??= new Map();
const lingers: Map<string, Registered> = shared[REGISTRY];

/** Makes the members of `groupId` in this process linger while busy (see the file's comment). */
export function registerFetchLinger(groupId: string, linger: FetchLinger, idleWaitMs: number): void {
  lingers.set(groupId, { ...linger, idleWaitMs, busy: false });
}

/** Patches kafkajs' `ConsumerGroup.prototype.fetch` (once) in the kafkajs that `require` loads. */
export function installFetchLinger(require: ReturnType<typeof createRequire>): boolean {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as {
    prototype: KafkajsConsumerGroup;
  };
  const original = ConsumerGroup.prototype.fetch;
  if ((original as { fetchLinger?: boolean }).fetchLinger === true) return true;
  const fetch = async function (this: KafkajsConsumerGroup, nodeId: number) {
    const linger = lingers.get(this.groupId);
    if (linger === undefined) return original.call(this, nodeId);
    this.minBytes = linger.busy ? linger.minBytes : 1;
    this.maxWaitTime = linger.busy ? linger.lingerMs : linger.idleWaitMs;
    const batches = await original.call(this, nodeId);
    linger.busy = batches.some((batch) => !batch.isEmpty());
    return batches.filter((batch) => !batch.isEmpty() || batch.isEmptyDueToFiltering());
  };
  Object.assign(fetch, { fetchLinger: true });
  ConsumerGroup.prototype.fetch = fetch;
  return true;
}
