/**
 * One benchmark run of a topology on {@link KafkaStreams}: records per second from the first processed
 * batch to the moment every expected output record (sink and changelog) is acknowledged.
 */
import pino from 'pino';
import type { ProcessingGuarantee } from '../../topology/runtime/config.js';
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
  /** Default at-least-once. */
  processingGuarantee?: ProcessingGuarantee;
  /** Exactly-once: first retry delay of the transactional producers (ms). */
  transactionRetryMs?: number;
  /**
   * `acknowledged` (default): stop the clock when the last output is acknowledged. `committed`: when the
   * commit after it is done (offsets committed, or the transactions that make the outputs visible).
   */
  until?: 'acknowledged' | 'committed';
}): Promise<{ records: number; seconds: number; commitMs: number[] }> {
  const streams = new KafkaStreams(options.topology, {
    applicationId: options.applicationId,
    bootstrapServers: options.brokers,
    stateDir: `/tmp/tstreams-bench/${options.applicationId}`,
    logger: pino({ level: 'warn' }),
    ...(options.processingGuarantee === undefined
      ? {}
      : { processingGuarantee: options.processingGuarantee }),
    ...(options.transactionRetryMs === undefined
      ? {}
      : { producer: { transactionRetryMs: options.transactionRetryMs } }),
  });
  const commitMs: number[] = [];
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
  const untilCommitted = options.until === 'committed';
  streams.events.on('recordsProduced', (event) => {
    produced += event.count;
    if (!untilCommitted && produced >= options.expectedOutputs) resolveDone(performance.now());
  });
  streams.events.on('commit', (event) => {
    if (started > 0) commitMs.push(event.durationMs);
    if (untilCommitted && produced >= options.expectedOutputs) resolveDone(performance.now());
  });
  await streams.start();
  const ended = await done;
  await streams.close();
  return { records: consumed, seconds: (ended - started) / 1000, commitMs };
}
