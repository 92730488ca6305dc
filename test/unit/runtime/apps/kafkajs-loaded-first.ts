/**
 * An application that imports kafkajs before the library: the library cannot correct kafkajs'
 * read_committed filter any more, so exactly-once and read_committed reads must be refused with a coded
 * error (no broker needed: the refusals come before any connection). Prints one line per use:
 * `<use> <error code or "started">`.
 */
import 'kafkajs';
import pino from 'pino';
import { Consumed, Serdes, StreamsBuilder } from '../../../../topology/index.js';
import { KafkaStreams, readTopicToEnd } from '../../../../topology/runtime/index.js';

const str = Serdes.string();
const builder = new StreamsBuilder();
builder.stream('in', Consumed.with(str, str)).to('out');
const config = { applicationId: 'loaded-first', bootstrapServers: '127.0.0.1:1', bootstrapTimeoutMs: 100 };
const logger = pino({ level: 'silent' });

const codeOf = async (use: () => Promise<unknown>): Promise<string> => {
  try {
    await use();
    return 'started';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

const exactlyOnce = new KafkaStreams(builder.build(), {
  ...config,
  processingGuarantee: 'exactly_once',
  logger,
});
console.log(`exactly_once ${await codeOf(() => exactlyOnce.start())}`);
// At-least-once is not refused: it goes on to connect, and fails only for want of a broker here.
const atLeastOnce = new KafkaStreams(builder.build(), { ...config, logger });
console.log(`at_least_once ${await codeOf(() => atLeastOnce.start())}`);
const cluster = { bootstrapServers: '127.0.0.1:1' };
console.log(
  `read_committed ${await codeOf(() => readTopicToEnd(cluster, 't', { isolation: 'read_committed' }))}`,
);
