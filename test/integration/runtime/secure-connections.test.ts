import { createServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder } from '../../../topology/index.js';
import { KafkaStreams, type StreamsConfig } from '../../../topology/runtime/index.js';
import { createTopics, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';
import { privateClusterForSuite } from '../../support/private-cluster.js';

const USER = 'alice';
const PASSWORD = 'alice-secret';

/** An unsigned JWT, which the broker's default (unsecured) OAUTHBEARER validator accepts. */
function unsecuredToken(subject: string): { value: string } {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return { value: `${part({ alg: 'none' })}.${part({ sub: subject, iat: now, exp: now + 3600 })}.` };
}

// TLS and SASL against a real SASL_SSL listener of a private broker (certificates made at its start):
// every client of the runtime connects with the configured credentials, and a bad password, an untrusted
// certificate or a listener nobody answers on each end start() with a coded error in time.
describe('secure connections (SASL_SSL)', () => {
  const cluster = privateClusterForSuite({
    brokers: 1,
    name: 'sasl-ssl',
    saslSsl: { users: { [USER]: PASSWORD } },
  });
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  function countingStreams(input: string, output: string, config: Partial<StreamsConfig>): KafkaStreams {
    const builder = new StreamsBuilder();
    builder
      .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
      .groupBy((_key, value) => value)
      .count(Materialized.as('counts'))
      .toStream()
      .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    const streams = new KafkaStreams(builder.build(), {
      applicationId: uniqueName('secure'),
      bootstrapServers: cluster().saslSsl!.brokers,
      ssl: { ca: cluster().saslSsl!.caPem },
      logger: pino({ level: 'silent' }),
      commitIntervalMs: 200,
      ...config,
    });
    running.push(streams);
    return streams;
  }

  async function topics(): Promise<[string, string]> {
    const brokers = cluster().brokers; // the PLAINTEXT listener, for the test's own clients
    const [input, output] = await createTopics([uniqueName('secure-in'), uniqueName('secure-out')], {
      brokers,
    });
    return [input!, output!];
  }

  it('counts through a repartition and a changelog with SCRAM-SHA-512 over TLS', async () => {
    const [input, output] = await topics();
    const streams = countingStreams(input, output, {
      sasl: { mechanism: 'scram-sha-512', username: USER, password: PASSWORD },
    });
    await streams.start();
    const producer = inputProducer({ brokers: cluster().brokers });
    await producer.connect();
    await producer.send({
      topic: input,
      messages: ['a', 'b', 'a'].map((value, i) => ({ key: String(i), value })),
    });
    await producer.disconnect();
    const longs = Serdes.Long();
    const counts = await waitFor(
      async () => {
        const records = await readAll(output, { brokers: cluster().brokers });
        const latest = new Map(
          records.map((r) => [
            r.key!.toString(),
            longs.deserialize(r.value, { topic: output, isKey: false }),
          ]),
        );
        return latest.get('a') === 2 && latest.get('b') === 1 ? latest : undefined;
      },
      { timeoutMs: 60_000, description: 'counts a=2, b=1' },
    );
    expect(Object.fromEntries(counts)).toEqual({ a: 2, b: 1 });
  });

  it.each([
    ['PLAIN', { mechanism: 'plain', username: USER, password: PASSWORD }],
    ['SCRAM-SHA-256', { mechanism: 'scram-sha-256', username: USER, password: PASSWORD }],
    ['OAUTHBEARER', { mechanism: 'oauthbearer', tokenProvider: async () => unsecuredToken(USER) }],
  ] as const)('joins the group and runs with %s', async (_name, sasl) => {
    const [input, output] = await topics();
    const streams = countingStreams(input, output, { sasl });
    await streams.start();
    await waitFor(() => streams.state === 'RUNNING', { timeoutMs: 60_000, description: 'RUNNING' });
  });

  it('ends start() with STRM_ERR_KAFKA_AUTHENTICATION on a wrong password, without retrying it', async () => {
    const [input, output] = await topics();
    const streams = countingStreams(input, output, {
      sasl: { mechanism: 'scram-sha-256', username: USER, password: 'not-the-password' },
      bootstrapTimeoutMs: 20_000,
    });
    const began = Date.now();
    const failure = await streams.start().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'STRM_ERR_KAFKA_AUTHENTICATION' });
    expect(String((failure as Error).message)).toMatch(/refused the SASL credentials/);
    expect(Date.now() - began).toBeLessThan(20_000);
    expect(streams.state).toBe('ERROR');
  });

  it('ends start() with STRM_ERR_KAFKA_TLS when the broker certificate is not signed by a trusted CA', async () => {
    const [input, output] = await topics();
    // Node's public CAs, not the test CA that signed the broker's certificate.
    const streams = countingStreams(input, output, {
      ssl: true,
      sasl: { mechanism: 'scram-sha-256', username: USER, password: PASSWORD },
      bootstrapTimeoutMs: 20_000,
    });
    const began = Date.now();
    const failure = await streams.start().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'STRM_ERR_KAFKA_TLS' });
    expect(String((failure as Error).message)).toMatch(/certificate/);
    expect(Date.now() - began).toBeLessThan(20_000);
  });

  describe('a SASL_SSL address where nothing answers', () => {
    // A port that accepts TCP and never speaks, like a firewall that drops: the worst case for a timeout.
    let silent: Server;
    let port = 0;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createServer((socket) => {
        sockets.add(socket);
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      // close() waits for open connections, which the client may keep until its own timeout.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('ends start() with STRM_ERR_KAFKA_UNREACHABLE within bootstrapTimeoutMs', async () => {
      const streams = countingStreams('in', 'out', {
        bootstrapServers: `127.0.0.1:${port}`,
        sasl: { mechanism: 'scram-sha-512', username: USER, password: PASSWORD },
        bootstrapTimeoutMs: 4_000,
      });
      const began = Date.now();
      const failure = await streams.start().catch((error: unknown) => error);
      const elapsed = Date.now() - began;
      expect(failure).toMatchObject({ code: 'STRM_ERR_KAFKA_UNREACHABLE', retriable: true });
      expect(elapsed).toBeGreaterThanOrEqual(3_500);
      expect(elapsed).toBeLessThan(4_000 + 3_000);
    });
  });
});
