import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Serdes } from '../../../topology/index.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';
import { privateClusterForSuite } from '../../support/private-cluster.js';
import { type PackedProject, packedProject, REPO_ROOT, startNode } from './packed-project.js';

/** The application's packages (processors/, api/): a user of the library must never install them. */
const APPLICATION_PACKAGES = ['fastify', 'pg', 'ioredis', 'opossum', 'node-pg-migrate'];

// The library as a user gets it: packed, installed into a new project outside the repository, imported by
// plain `node` (no tsx, no TypeScript) and type-checked against its shipped declarations.
describe('the packed library installed into a new project', () => {
  let project: PackedProject;

  beforeAll(async () => {
    project = await packedProject();
  }, 180_000);

  afterAll(async () => {
    if (project) await rm(project.dir, { recursive: true, force: true });
  });

  it("installs the library's dependencies and none of the application's", async () => {
    const { stdout } = await project.exec('npm', ['ls', '--omit=dev', '--all', '--parseable']);
    const installed = new Set(stdout.split('\n').map((path) => path.split('node_modules/').pop()!));
    expect(installed).toContain('tstreams');
    expect(installed).toContain('kafkajs');
    expect(APPLICATION_PACKAGES.filter((name) => installed.has(name))).toEqual([]);
  });

  it('ships only dist/ and imports no package it does not declare', async () => {
    const root = join(project.dir, 'node_modules', 'tstreams');
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect((await readdir(root)).sort()).toEqual(['CHANGELOG.md', 'README.md', 'dist', 'package.json']);
    const files = (await readdir(join(root, 'dist'), { recursive: true })).filter((file) =>
      file.endsWith('.js'),
    );
    const imported = new Set<string>();
    for (const file of files) {
      const source = await readFile(join(root, 'dist', file), 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import|require\()\s*'([^'.][^']*)'/g)) {
        if (!specifier!.startsWith('node:'))
          imported.add(
            specifier!
              .split('/')
              .slice(0, specifier!.startsWith('@') ? 2 : 1)
              .join('/'),
          );
      }
    }
    // `tstreams` itself appears in doc comments' examples, which the pattern also matches.
    imported.delete('tstreams');
    expect(imported).toContain('kafkajs');
    expect([...imported].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  it('type-checks a TypeScript program against the public entry points with the shipped declarations', async () => {
    await project.copyIn('test/integration/package/fixtures/typed-usage.ts');
    await project.copyIn('test/integration/package/fixtures/tsconfig.json');
    // The repository's compiler; the program resolves `tstreams` and `@types/node` from the project.
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await project
      .exec(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'])
      .catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error), failed: true }));
    expect(result.stdout).toBe('');
    expect('failed' in result).toBe(false);
  });

  /**
   * Runs examples/word-count.mjs from the project with plain node against `brokers` (with `env` for its
   * security settings); feeds it and reads its output through `testBrokers`, the PLAINTEXT listener.
   */
  async function runWordCount(brokers: string[], testBrokers: string[], env: Record<string, string> = {}) {
    const [input, output] = await createTopics(
      [{ topic: uniqueName('packed-lines'), partitions: 2 }, uniqueName('packed-counts')],
      { brokers: testBrokers },
    );
    const script = await project.copyIn('examples/word-count.mjs');
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const program = startNode(project.dir, script, {
      KAFKA_BROKERS: brokers.join(','),
      INPUT_TOPIC: input!,
      OUTPUT_TOPIC: output!,
      APPLICATION_ID: uniqueName('packed-word-count'),
      STATE_DIR: join(project.dir, 'state'),
      PORT: String(port),
      ...env,
    });
    try {
      await waitFor(() => program.lines.some((line) => line.includes('"state":"RUNNING"')), {
        timeoutMs: 60_000,
        description: 'the example to reach RUNNING',
      }).catch((error: Error) => {
        throw new Error(`${error.message}; its output:\n${program.lines.join('\n')}`);
      });
      const producer = inputProducer({ brokers: testBrokers });
      await producer.connect();
      await producer.send({
        topic: input!,
        messages: [
          { key: 'a', value: 'Kafka streams in Node' },
          { key: 'b', value: 'kafka, again' },
        ],
      });
      await producer.disconnect();

      // The example writes counts as Kafka's Long, as a Java consumer would read them.
      const longs = Serdes.Long();
      const counts = await waitFor(
        async () => {
          const records = await readAll(output!, { brokers: testBrokers });
          const latest = new Map(
            records.map((record) => [
              record.key!.toString(),
              longs.deserialize(record.value, { topic: output!, isKey: false }),
            ]),
          );
          // Words are counted by the tasks of the repartitioned stream, each flushing its record cache
          // at its own commit: wait for every word, not only for "kafka".
          return latest.get('kafka') === 2 && latest.size === 5 ? latest : undefined;
        },
        { timeoutMs: 60_000, description: 'the counts of all five words on the output topic' },
      );
      expect(Object.fromEntries(counts)).toEqual({ kafka: 2, streams: 1, in: 1, node: 1, again: 1 });

      const answer = await fetch(`http://127.0.0.1:${port}/counts/kafka`);
      expect(await answer.json()).toEqual({ word: 'kafka', count: 2 });
    } finally {
      program.stop();
    }
    expect(await program.exited).toBe(0);
  }

  it('runs the word-count example with plain node against the broker', async () => {
    await runWordCount(endpoints().kafkaBrokers, endpoints().kafkaBrokers);
  });

  /** Starts an example from the project with plain node and waits until it reports RUNNING. */
  async function startExample(path: string, env: Record<string, string>) {
    const script = await project.copyIn(path);
    const program = startNode(project.dir, script, {
      KAFKA_BROKERS: endpoints().kafkaBrokers.join(','),
      APPLICATION_ID: uniqueName('packed-example'),
      STATE_DIR: join(project.dir, 'state'),
      ...env,
    });
    // Fails as soon as the program exits (a start error) instead of waiting out the timeout.
    const exitedEarly = program.exited.then((code) => {
      throw new Error(`${path} exited (${code}) before RUNNING`);
    });
    exitedEarly.catch(() => undefined);
    await Promise.race([
      waitFor(() => program.lines.some((line) => line.includes('"state":"RUNNING"')), {
        timeoutMs: 60_000,
        description: `${path} to reach RUNNING`,
      }),
      exitedEarly,
    ]).catch((error: Error) => {
      program.stop();
      throw new Error(`${error.message}; its output:\n${program.lines.join('\n')}`);
    });
    return program;
  }

  async function send(topic: string, messages: Array<{ key: string; value: unknown; timestamp?: number }>) {
    const producer = inputProducer();
    await producer.connect();
    await producer.send({
      topic,
      messages: messages.map((m) => ({
        key: m.key,
        value: JSON.stringify(m.value),
        ...(m.timestamp === undefined ? {} : { timestamp: String(m.timestamp) }),
      })),
    });
    await producer.disconnect();
  }

  it('runs the windowed-revenue example: one result per closed window, none for the open one', async () => {
    // One input partition, so one task sees every region and its stream time closes the window.
    const [input, output] = await createTopics([uniqueName('packed-orders'), uniqueName('packed-revenue')]);
    const program = await startExample('examples/windowed-revenue.mjs', {
      INPUT_TOPIC: input!,
      OUTPUT_TOPIC: output!,
    });
    try {
      const minute = Date.UTC(2026, 0, 1, 12, 0);
      await send(input!, [
        { key: 'o1', value: { region: 'north', cents: 100 }, timestamp: minute + 1_000 },
        { key: 'o2', value: { region: 'north', cents: 50 }, timestamp: minute + 20_000 },
        { key: 'o3', value: { region: 'south', cents: 70 }, timestamp: minute + 30_000 },
        // Past the window's end plus its 5 s grace: closes the first minute; its own window stays open.
        { key: 'o4', value: { region: 'north', cents: 1 }, timestamp: minute + 66_000 },
      ]);
      const longs = Serdes.Long();
      const results = await waitFor(
        async () => {
          const records = await readAll(output!);
          return records.length >= 2 ? records : undefined;
        },
        { timeoutMs: 60_000, description: 'two closed-window results' },
      );
      const at = new Date(minute).toISOString();
      expect(
        Object.fromEntries(
          results.map((r) => [
            r.key!.toString(),
            longs.deserialize(r.value, { topic: output!, isKey: false }),
          ]),
        ),
      ).toEqual({ [`north@${at}`]: 150, [`south@${at}`]: 70 });
    } finally {
      program.stop();
    }
    expect(await program.exited).toBe(0);
  });

  it('runs the stream-table join example: orders re-keyed by customer and joined, unknown ones kept', async () => {
    const [customers, orders, output] = await createTopics([
      { topic: uniqueName('packed-customers'), partitions: 2 },
      { topic: uniqueName('packed-orders'), partitions: 2 },
      uniqueName('packed-enriched'),
    ]);
    await send(customers!, [{ key: 'c1', value: { name: 'Ana', tier: 'gold' } }]);
    const program = await startExample('examples/enrich-with-table.mjs', {
      CUSTOMERS_TOPIC: customers!,
      ORDERS_TOPIC: orders!,
      OUTPUT_TOPIC: output!,
    });
    try {
      await send(orders!, [
        { key: 'o1', value: { customer: 'c1', cents: 100 } },
        { key: 'o2', value: { customer: 'c9', cents: 5 } },
      ]);
      const records = await waitFor(
        async () => {
          const all = await readAll(output!);
          return all.length >= 2 ? all : undefined;
        },
        { timeoutMs: 60_000, description: 'two enriched orders' },
      );
      expect(
        Object.fromEntries(records.map((r) => [r.key!.toString(), JSON.parse(r.value!.toString())])),
      ).toEqual({
        c1: { customer: 'c1', orderId: 'o1', cents: 100, name: 'Ana', tier: 'gold' },
        c9: { customer: 'c9', orderId: 'o2', cents: 5, name: null, tier: 'unknown' },
      });
    } finally {
      program.stop();
    }
    expect(await program.exited).toBe(0);
  });

  describe('over SASL_SSL', () => {
    const cluster = privateClusterForSuite({
      brokers: 1,
      name: 'packed-sasl-ssl',
      saslSsl: { users: { reader: 'reader-secret' } },
    });

    it('runs the word-count example with plain node over SCRAM-SHA-512 and TLS', async () => {
      const caFile = join(project.dir, 'ca.pem');
      await writeFile(caFile, cluster().saslSsl!.caPem);
      await runWordCount(cluster().saslSsl!.brokers, cluster().brokers, {
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'reader',
        KAFKA_SASL_PASSWORD: 'reader-secret',
        KAFKA_SSL_CA_FILE: caFile,
      });
    });
  });
});
