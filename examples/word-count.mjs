// Word count with interactive queries over HTTP: counts the words of the lines on the input topic, writes
// every new count to the output topic and answers `GET /counts/<word>` from the local state store.
//
//   npm install tstreams
//   KAFKA_BROKERS=localhost:9092 node word-count.mjs
//   curl localhost:8088/counts/kafka
//
// For a cluster that requires SASL_SSL (every managed Kafka does), also set KAFKA_SASL_MECHANISM
// (plain, scram-sha-256 or scram-sha-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and, for a private CA,
// KAFKA_SSL_CA_FILE.
//
// Plain JavaScript on purpose: it runs with `node` as installed from the package, no TypeScript needed.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder } from 'tstreams';
import { KafkaStreams } from 'tstreams/topology/runtime';

const env = process.env;
const input = env.INPUT_TOPIC ?? 'text-lines';
const output = env.OUTPUT_TOPIC ?? 'word-counts';
const port = Number(env.PORT ?? 8088);

const builder = new StreamsBuilder();
builder
  .stream(input, Consumed.with(Serdes.String(), Serdes.String()))
  .flatMapValues((line) =>
    line
      .toLowerCase()
      .split(/\W+/)
      .filter((word) => word.length > 0),
  )
  .groupBy((_key, word) => word)
  .count(Materialized.as('counts'))
  .toStream()
  .to(output, Produced.with(Serdes.String(), Serdes.Long()));

const security = env.KAFKA_SASL_MECHANISM
  ? {
      sasl: {
        mechanism: env.KAFKA_SASL_MECHANISM,
        username: env.KAFKA_SASL_USERNAME,
        password: env.KAFKA_SASL_PASSWORD,
      },
      ssl: env.KAFKA_SSL_CA_FILE ? { ca: readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8') } : true,
    }
  : {};

const streams = new KafkaStreams(builder.build(), {
  applicationId: env.APPLICATION_ID ?? 'word-count',
  bootstrapServers: env.KAFKA_BROKERS ?? 'localhost:9092',
  ...(env.STATE_DIR ? { stateDir: env.STATE_DIR } : {}),
  ...security,
});

// One instance holds every partition here; with several, ask `streams.metadataForKey` which one to call.
const server = createServer((request, response) => {
  const word = /^\/counts\/([^/]+)$/.exec(request.url ?? '')?.[1];
  if (word === undefined) return response.writeHead(404).end();
  try {
    const counts = streams.localStores('counts').map(({ store }) => store.get(decodeURIComponent(word)));
    const count = counts.find((value) => value !== undefined && value !== null) ?? 0;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ word, count }));
  } catch (error) {
    response.writeHead(503).end(String(error));
  }
});

streams.setStateListener((state) => {
  if (state === 'RUNNING') console.log(JSON.stringify({ state, port }));
});
streams.installShutdownHandler(); // close cleanly on SIGTERM / SIGINT, then exit
server.listen(port, '127.0.0.1');
await streams.start();
