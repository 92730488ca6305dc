/**
 * Windows, suppression and joins on the real broker: a stream re-keyed and joined with a table whose
 * topic has fewer partitions (the repartition topic takes the table's count), a windowed count with final
 * results only, a graceful restart on a fresh state directory in between (the window store and the
 * suppression buffer come back from their changelogs), and the start-up refusal of joined topics that are
 * not co-partitioned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  JoinWindows,
  Materialized,
  Produced,
  Serdes,
  StreamJoined,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Topology,
  WindowedSerdes,
} from '../../../topology/index.js';
import { KafkaStreams, RuntimeError } from '../../../topology/runtime/index.js';
import {
  createTopics,
  endpoints,
  inputProducer,
  kafka,
  readAll,
  uniqueName,
  waitFor,
} from '../../support/index.js';

const WINDOW = 10_000;
const GRACE = 5_000;
const str = Serdes.string();

interface Click {
  readonly user: string;
  readonly page: string;
}

function clicksPerUser(clicks: string, users: string, output: string): Topology {
  const builder = new StreamsBuilder();
  const countries = builder.table(users, Consumed.with(str, str), Materialized.as('countries'));
  builder
    .stream(clicks, Consumed.with(str, Serdes.json<Click>()))
    .selectKey((_id, click) => click.user)
    .join(countries, (click, country) => `${country}:${click.page}`)
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
    .count(Materialized.as('clicks-per-user'))
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final-clicks'))
    .toStream()
    .to(output, Produced.with(WindowedSerdes.timeWindowed(str, WINDOW), Serdes.number()));
  return builder.build();
}

async function produce(
  topic: string,
  messages: ReadonlyArray<{ key: string; value: string; timestamp: number }>,
): Promise<void> {
  // Idempotent (inputProducer): a plain producer's resend wrote a reservations partition twice here once,
  // and the join emitted more results than there were reservations (CI: 101 for 60).
  const producer = inputProducer({ clientId: 'test-windowed-join' });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({ key: m.key, value: m.value, timestamp: String(m.timestamp) })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** True when the group has committed every record of `topics` (each partition's end offset). */
async function consumedToEnd(groupId: string, topics: readonly string[]): Promise<boolean> {
  const admin = kafka({ clientId: 'test-offsets' }).admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.watermarks(topic);
      const committed = await admin.committedOffsets(groupId, [topic]);
      for (const end of ends) {
        const at = committed.find((p) => p.partition === end.partition)?.offset ?? -1;
        if (end.high > 0 && at < end.high) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

describe('windowed aggregation after a stream-table join, on the broker', () => {
  const running: KafkaStreams[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function start(topology: Topology, applicationId: string): Promise<KafkaStreams> {
    const stateDir = mkdtempSync(join(tmpdir(), 'windowed-join-'));
    dirs.push(stateDir);
    const streams = new KafkaStreams(topology, {
      applicationId,
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir,
      commitIntervalMs: 200,
      logger: pino({ level: process.env.RT_LOG ?? 'warn' }),
    });
    running.push(streams);
    return streams.start().then(() => streams);
  }

  it('emits each final window count exactly once, across a restart that restores the buffer', async () => {
    const [clicks, users, output] = await createTopics([
      { topic: uniqueName('clicks'), partitions: 4 },
      { topic: uniqueName('users'), partitions: 2 },
      { topic: uniqueName('clicks-per-user'), partitions: 2 },
    ]);
    const applicationId = uniqueName('windowed-join');
    const topology = clicksPerUser(clicks!, users!, output!);
    const T0 = Math.floor((Date.now() - 10 * 60_000) / WINDOW) * WINDOW;
    const known = ['u0', 'u1', 'u2', 'u3', 'u4'];
    await produce(
      users!,
      known.map((user, i) => ({ key: user, value: ['fr', 'de', 'jp'][i % 3]!, timestamp: T0 })),
    );
    // Two windows of clicks, every timestamp below T0 + WINDOW + GRACE, so no task closes a window yet
    // and no click is late, whatever order the repartition topic interleaves them in.
    const expected = new Map<string, number>();
    const batch = Array.from({ length: 240 }, (_, i) => {
      const user = i % 7 === 6 ? 'ghost' : known[i % known.length]!; // ghost has no country: not joined
      const timestamp = T0 + ((i * 61) % (WINDOW + GRACE));
      if (user !== 'ghost') {
        const key = `${user}@${Math.floor((timestamp - T0) / WINDOW)}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      return { key: `click-${i}`, value: JSON.stringify({ user, page: `p${i % 4}` }), timestamp };
    });
    await produce(clicks!, batch);

    const first = await start(topology, applicationId);
    const repartition = `${applicationId}-${[...topology.plan().internalTopics.keys()][0]}`;
    await waitFor(() => consumedToEnd(applicationId, [clicks!, repartition]), {
      timeoutMs: 60_000,
      description: 'the first instance consumed every click and repartitioned record',
    });
    expect(await readAll(output!)).toEqual([]);
    const admin = kafka({ clientId: 'test-metadata' }).admin();
    await admin.connect();
    const counts = await admin.partitionCounts([repartition]).finally(() => admin.disconnect());
    expect(counts.get(repartition)).toBe(2);
    await first.close();
    running.splice(running.indexOf(first), 1);

    // A fresh state directory: the second instance restores the window store and the buffer.
    await start(topology, applicationId);
    await produce(
      clicks!,
      known.map((user, i) => ({
        key: `tick-${i}`,
        value: JSON.stringify({ user, page: 'tick' }),
        timestamp: T0 + 10 * WINDOW,
      })),
    );
    const windowed = WindowedSerdes.timeWindowed(str, WINDOW);
    const finals = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.length >= expected.size ? records : undefined;
      },
      { timeoutMs: 60_000, description: `${expected.size} final window counts` },
    );
    const context = { topic: output!, isKey: true };
    const seen = finals.map((r) => {
      const key = windowed.deserialize(r.key, context);
      return [
        `${key.key}@${(key.window.start - T0) / WINDOW}`,
        Serdes.number().deserialize(r.value, context),
      ];
    });
    expect(seen.length).toBe(expected.size);
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
  });

  it('left-joins two streams across a restart: matches at once, unmatched records once their window closed', async () => {
    const [reservations, payments, output] = await createTopics([
      { topic: uniqueName('reservations'), partitions: 3 },
      { topic: uniqueName('payments'), partitions: 3 },
      { topic: uniqueName('payment-status'), partitions: 3 },
    ]);
    const builder = new StreamsBuilder();
    builder
      .stream(reservations!, Consumed.with(str, str))
      .leftJoin(
        builder.stream(payments!, Consumed.with(str, str)),
        (_reservation, payment): string => (payment === null ? 'unpaid' : 'paid'),
        JoinWindows.ofTimeDifferenceWithNoGrace(60_000).before(0),
        StreamJoined.with(str, str, str).withName('payment-join').withStoreName('payment-join'),
      )
      .to(output!, Produced.with(str, str));
    const topology = builder.build();
    const applicationId = uniqueName('payment-join');
    const T0 = Date.now() - 30 * 60_000;
    const ids = Array.from({ length: 60 }, (_, i) => `res-${i}`);
    await produce(
      reservations!,
      ids.map((id, i) => ({ key: id, value: 'booked', timestamp: T0 + i * 1_000 })),
    );
    await produce(
      payments!,
      ids.flatMap((id, i) =>
        i % 3 === 0 ? [] : [{ key: id, value: 'paid', timestamp: T0 + i * 1_000 + 10_000 }],
      ),
    );
    const first = await start(topology, applicationId);
    await waitFor(() => consumedToEnd(applicationId, [reservations!, payments!]), {
      timeoutMs: 60_000,
      description: 'the first instance consumed every reservation and payment',
    });
    await first.close();
    running.splice(running.indexOf(first), 1);
    // Matches went out at once; unpaid reservations only once stream time passed their window, so most
    // of them are still held in the shared store when the instance stops.
    const before = new Map((await readAll(output!)).map((r) => [r.key!.toString(), r.value!.toString()]));
    const unpaidBefore = [...before.values()].filter((v) => v === 'unpaid').length;
    expect(unpaidBefore).toBeLessThan(20);
    for (const [id, status] of before) expect(status).toBe(Number(id.slice(4)) % 3 === 0 ? 'unpaid' : 'paid');

    // A fresh state directory: the held reservations come back from the shared store's changelog.
    await start(topology, applicationId);
    await produce(
      reservations!,
      Array.from({ length: 30 }, (_, j) => ({
        key: `tick-${j}`,
        value: 'booked',
        timestamp: T0 + 20 * 60_000,
      })),
    );
    const all = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.length >= ids.length ? records : undefined;
      },
      { timeoutMs: 60_000, description: 'a result for every reservation' },
    );
    const results = all.map((r) => [r.key!.toString(), r.value!.toString()]);
    expect(results.length).toBe(ids.length);
    expect(Object.fromEntries(results)).toEqual(
      Object.fromEntries(ids.map((id, i) => [id, i % 3 === 0 ? 'unpaid' : 'paid'])),
    );
  });

  it('refuses to start when joined topics have different partition counts', async () => {
    const [left, right, joined] = await createTopics([
      { topic: uniqueName('left'), partitions: 3 },
      { topic: uniqueName('right'), partitions: 2 },
      uniqueName('joined'),
    ]);
    const builder = new StreamsBuilder();
    builder
      .stream(left!, Consumed.with(str, str))
      .join(
        builder.stream(right!, Consumed.with(str, str)),
        (a, b) => a + b,
        JoinWindows.ofTimeDifferenceWithNoGrace(1_000),
      )
      .to(joined!);
    const failure = await start(builder.build(), uniqueName('not-copartitioned')).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).code).toBe('STRM_ERR_RUNTIME_NOT_COPARTITIONED');
    expect((failure as Error).message).toContain(`"${left}" (3), "${right}" (2)`);
  });
});
