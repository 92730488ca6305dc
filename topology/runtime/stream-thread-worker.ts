/**
 * The body of one stream thread's worker (`numStreamThreads > 1`): it builds the topology from the
 * topology module, runs it as a one-thread `KafkaStreams` (its own group member, consumer, producers,
 * tasks and state directory), and reports to the main thread: state, tasks, events, record-cache totals,
 * uncaught errors; it answers store queries and closes when told. The main thread decides what an
 * uncaught error leads to (`stream-thread-pool.ts`), so this thread only stops and says why.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { register } from 'prom-client';
import type { StreamsConfig } from './config.js';
import { RuntimeError } from './errors.js';
import { KafkaStreams } from './kafka-streams.js';
import { runStoreQuery } from './store-query.js';
import {
  argsToMessage,
  errorToMessage,
  FORWARDED_EVENTS,
  type FromStreamThread,
  type StreamThreadWorkerData,
  type ThreadTasks,
  type ToStreamThread,
} from './stream-thread-messages.js';
import { importTopologyModule } from './topology-module.js';

const port = parentPort!;
const data = workerData as StreamThreadWorkerData;
const post = (message: FromStreamThread): void => port.postMessage(message);

let streams: KafkaStreams | undefined;
/** Set by the main thread's `close`, which may come while the topology is still being built. */
let closeRequested = false;
const tasks = (): ThreadTasks => ({
  active: streams?.localTaskIds() ?? [],
  standby: streams?.standbyTaskIds() ?? [],
  metadata: streams?.allMetadata() ?? [],
});

port.on('message', (message: ToStreamThread) => {
  if (message.type === 'close') {
    closeRequested = true;
    void (streams?.close() ?? Promise.resolve()).then(() => {
      post({ type: 'closed' });
      port.close();
    });
    return;
  }
  if (message.type === 'metrics') {
    void register
      .getMetricsAsJSON()
      .then((metrics) => post({ type: 'metricsResult', id: message.id, metrics }));
    return;
  }
  try {
    if (streams === undefined) throw new RuntimeError('STRM_ERR_RUNTIME_STORE_UNAVAILABLE', 'not started');
    const store = streams.store(message.storeName, message.partition);
    post({ type: 'queryResult', id: message.id, value: runStoreQuery(store, message.query) });
  } catch (error) {
    post({ type: 'queryResult', id: message.id, error: errorToMessage(error) });
  }
});

try {
  const module = await importTopologyModule(data.topologyModule);
  const topology = await module.buildTopology(data.topologyModuleArgs);
  const given = module.streamsConfig ?? {};
  const missing = data.droppedOptions.filter((key) => !(key in given) && key !== 'logger');
  if (missing.length > 0) {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
      `${missing.join(', ')} cannot be sent to a stream thread's worker (functions): export them from the ` +
        `topologyModule as streamsConfig = { ${missing.join(', ')} }`,
    );
  }
  const config = {
    ...data.config,
    ...given,
    logger: given.logger ?? pino({ level: data.logLevel }).child({ thread: data.threadIndex }),
    // The main thread applies the user's handler; this thread stops and tells it why.
    uncaughtExceptionHandler: (error: Error) => {
      post({ type: 'uncaught', error: errorToMessage(error) });
      return 'SHUTDOWN_CLIENT';
    },
  } as StreamsConfig;
  // Closed while the module loaded: start nothing (the port is closed; the worker ends).
  if (closeRequested) process.exit(0);
  streams = new KafkaStreams(topology, config, {
    processId: data.processId,
    workerOf: data.processId,
    userTopicCounts: data.userTopicCounts,
  });
  const running = streams;
  for (const name of FORWARDED_EVENTS) {
    (running.events as unknown as NodeJS.EventEmitter).on(name, (...args: unknown[]) =>
      post({ type: 'event', name, args: argsToMessage(args) }),
    );
  }
  running.events.on('stateChange', (state) => post({ type: 'state', state, tasks: tasks() }));
  running.events.on('rebalanceCompleted', (event) =>
    post({ type: 'tasks', tasks: tasks(), rebalanceMs: event.durationMs }),
  );
  running.events.on('commit', () => {
    const statistics = running.recordCacheStatistics();
    if (statistics !== undefined) post({ type: 'cache', statistics });
  });
  await running.start();
  post({ type: 'started' });
} catch (error) {
  post({ type: 'startFailed', error: errorToMessage(error) });
}
