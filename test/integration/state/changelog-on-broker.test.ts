/**
 * Logged, cached stores on the real broker (issue 6): a cached store sends one changelog record per dirty
 * key per commit however often the key was written in between, and the changelog alone is enough to
 * rebuild the exact state after the state directory is lost.
 */
import { rm } from 'node:fs/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyValueStore, ReadOnlyKeyValueStore } from '../../../state/store.js';
import { Stores } from '../../../state/stores.js';
import type { ProcessorContext } from '../../../topology/processor.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

const STORE = 'hot-key-counts';
/** Few keys, many writes each: every key is written about 150 times between two commits. */
const KEYS = 8;
const RECORDS_PER_BURST = 1_200;

interface Count {
  readonly count: number;
  readonly sum: number;
}

/** What the processor saw, shared with the test: keys written since the last commit, records processed. */
interface Observed {
  dirty: Set<string>;
  processed: number;
}

/** `input` -> running count and sum per key in a persistent, cached, logged store. No output topic. */
function hotKeyTopology(input: string, observed: Observed): Topology {
  return new Topology()
    .addSource('events', input, { keySerde: Serdes.string(), valueSerde: Serdes.json<number>() })
    .addProcessor<string, number, string, Count>(
      'count',
      () => {
        let store: KeyValueStore<string, Count>;
        return {
          init: (context: ProcessorContext<string, Count>) => {
            store = context.getStateStore<KeyValueStore<string, Count>>(STORE);
          },
          process: (record) => {
            const previous = store.get(record.key) ?? { count: 0, sum: 0 };
            store.put(record.key, { count: previous.count + 1, sum: previous.sum + record.value });
            observed.dirty.add(record.key);
            observed.processed += 1;
          },
        };
      },
      'events',
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE),
        Serdes.string(),
        Serdes.json<Count>(),
      ).withCachingEnabled(),
      'count',
    );
}

/** `count` events numbered from `first` over KEYS keys; the value is the event's number. */
function makeEvents(first: number, count: number): Array<{ key: string; value: number }> {
  return Array.from({ length: count }, (_, i) => ({ key: `key-${(first + i) % KEYS}`, value: first + i }));
}

async function produce(topic: string, events: ReadonlyArray<{ key: string; value: number }>): Promise<void> {
  const producer = inputProducer({ clientId: 'test-hot-keys' });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: events.map(({ key, value }) => ({ key, value: JSON.stringify(value) })),
    });
  } finally {
    await producer.disconnect();
  }
}

describe('a cached, logged store on the broker', () => {
  const applicationId = uniqueName('cached-changelog');
  const changelog = `${applicationId}-${STORE}-changelog`;
  const logger = pino({ level: process.env.RT_LOG ?? 'warn' });
  const expected = new Map<string, Count>();
  const running: KafkaStreams[] = [];
  let input: string;
  /** Changelog records the cache should have sent: the dirty keys of every commit, summed. */
  let expectedChangelogRecords = 0;
  let commits = 0;

  const newInstance = (stateDir: string, observed: Observed) =>
    new KafkaStreams(hotKeyTopology(input, observed), {
      applicationId,
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir,
      // Only the idle commit after each burst and the shutdown commit run; the interval never elapses.
      commitIntervalMs: 600_000,
      logger,
    });

  beforeAll(async () => {
    [input] = (await createTopics([uniqueName('hot-keys')])) as [string];
    const observed: Observed = { dirty: new Set(), processed: 0 };
    const streams = newInstance(`/tmp/${applicationId}/first`, observed);
    running.push(streams);
    streams.events.on('commit', () => {
      commits += 1;
      expectedChangelogRecords += observed.dirty.size;
      observed.dirty.clear();
    });
    await streams.start();
    for (const burst of [0, 1]) {
      const events = makeEvents(burst * RECORDS_PER_BURST, RECORDS_PER_BURST);
      for (const { key, value } of events) {
        const previous = expected.get(key) ?? { count: 0, sum: 0 };
        expected.set(key, { count: previous.count + 1, sum: previous.sum + value });
      }
      const commitsBefore = commits;
      await produce(input, events);
      // Each burst is processed and then committed (idle commit) before the next one arrives.
      await waitFor(
        () =>
          (observed.processed === (burst + 1) * RECORDS_PER_BURST && commits > commitsBefore) || undefined,
        { timeoutMs: 30_000, description: `burst ${burst} processed and committed` },
      );
    }
    await streams.close();
    expect(streams.state).toBe('NOT_RUNNING');
    // Everything written was covered by a commit: nothing dirty is left uncounted.
    expect(observed.dirty.size).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
    await rm(`/tmp/${applicationId}`, { recursive: true, force: true });
  });

  it('sends one changelog record per dirty key per commit, not one per write', async () => {
    const records = await readAll(changelog);
    // 2,400 writes over 8 keys in (at least) 2 commits: 8 keys dirty in each.
    expect(commits).toBeGreaterThanOrEqual(2);
    expect(expectedChangelogRecords).toBe(commits * KEYS);
    expect(records).toHaveLength(expectedChangelogRecords);
    // The last record of each key is the final value.
    const last = new Map<string, Count>();
    for (const record of records) {
      last.set(record.key!.toString(), JSON.parse(record.value!.toString()) as Count);
    }
    expect(last).toEqual(expected);
  });

  it('rebuilds the exact state from the changelog when the state directory is gone', async () => {
    await rm(`/tmp/${applicationId}/first`, { recursive: true, force: true });
    const restored: number[] = [];
    const observed: Observed = { dirty: new Set(), processed: 0 };
    const streams = newInstance(`/tmp/${applicationId}/second`, observed);
    running.push(streams);
    streams.events.on('restoreCompleted', (event) => restored.push(event.records));
    await streams.start();
    const store = await waitFor(
      () =>
        streams.state === 'RUNNING'
          ? streams.localStores<ReadOnlyKeyValueStore<string, Count>>(STORE)[0]?.store
          : undefined,
      { timeoutMs: 30_000, description: 'the second instance RUNNING with its store open' },
    );
    // The whole changelog was read back (no checkpoint, no local files) and nothing was reprocessed.
    expect(restored.reduce((a, b) => a + b, 0)).toBe(expectedChangelogRecords);
    expect(observed.processed).toBe(0);
    const rebuilt = new Map<string, Count>();
    for (const { key, value } of store.all()) rebuilt.set(key, value);
    expect(rebuilt).toEqual(expected);
  }, 60_000);
});
