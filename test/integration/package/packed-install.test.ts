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
          return latest.get('kafka') === 2 ? latest : undefined;
        },
        { timeoutMs: 60_000, description: 'a count of 2 for "kafka" on the output topic' },
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
