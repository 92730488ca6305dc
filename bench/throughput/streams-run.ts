/**
 * One benchmark run of a topology on {@link KafkaStreams}: records per second from the first processed
 * batch to the moment every expected output record (sink and changelog) is acknowledged.
 */
import pino from 'pino';
import { KafkaStreams } from '../../topology/runtime/kafka-streams.js';
import type { Topology } from '../../topology/topology.js';

export async function runStreams(options: {
  brokers: ReadonlyArray<string>;
  topology: Topology;
  applicationId: string;
  /** Input records to process. */
  inputRecords: number;
  /** Output records (all topics) to wait for. */
  expectedOutputs: number;
}): Promise<{ records: number; seconds: number }> {
  const streams = new KafkaStreams(options.topology, {
    applicationId: options.applicationId,
    bootstrapServers: options.brokers,
    stateDir: `/tmp/tstreams-bench/${options.applicationId}`,
    logger: pino({ level: 'warn' }),
  });
  let started = 0;
  let produced = 0;
  let consumed = 0;
  let resolveDone: (at: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  streams.events.on('batchProcessed', (event) => {
    if (started === 0) started = performance.now();
    consumed += event.consumed;
  });
  streams.events.on('recordsProduced', (event) => {
    produced += event.count;
    if (produced >= options.expectedOutputs) resolveDone(performance.now());
  });
  await streams.start();
  const ended = await done;
  await streams.close();
  return { records: consumed, seconds: (ended - started) / 1000 };
}
