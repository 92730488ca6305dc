/**
 * The in-process KafkaStreams instances of an integration test: made with the tests' common configuration
 * and always closed after the test, also when it fails, so that no member lingers in the group of the next.
 */
import { rm } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import { afterEach } from 'vitest';
import type { StreamsConfig } from '../../../topology/runtime/config.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import type { Topology } from '../../../topology/topology.js';
import { endpoints } from '../../support/index.js';

/** The runtime's log in a test: `level` unless `RT_LOG` names another, to see what a failing run did. */
export function runtimeLogger(level = 'warn'): Logger {
  return pino({ level: process.env.RT_LOG ?? level });
}

/** A runtime configuration whose brokers, state directory and logger may be left to the test defaults. */
export type TestStreamsConfig = Omit<StreamsConfig, 'bootstrapServers'> &
  Partial<Pick<StreamsConfig, 'bootstrapServers'>>;

export interface StreamsInstances {
  /**
   * A new instance, not started yet, closed after the test. Unless `config` says otherwise it runs on the
   * shared stack's brokers, keeps its state under `/tmp/<applicationId>` and logs at `warn` (or `RT_LOG`).
   */
  create(topology: Topology, config: TestStreamsConfig): KafkaStreams;
  /** Deletes `dir` after the test, once its instances are closed (large RocksDB state piles up in /tmp). */
  removeAfterTest(dir: string): void;
}

/** Call in a `describe` body: registers the `afterEach` that closes what {@link StreamsInstances.create} made. */
export function streamsClosedAfterEach(): StreamsInstances {
  const running: KafkaStreams[] = [];
  const stateDirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
    await Promise.all(stateDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    create(topology, config) {
      const streams = new KafkaStreams(topology, {
        bootstrapServers: endpoints().kafkaBrokers,
        stateDir: `/tmp/${config.applicationId}`,
        logger: runtimeLogger(),
        ...config,
      });
      running.push(streams);
      return streams;
    },
    removeAfterTest(dir) {
      stateDirs.push(dir);
    },
  };
}
