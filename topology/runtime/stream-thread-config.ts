/**
 * What a stream thread's worker is started with (`numStreamThreads > 1`): the user's configuration
 * without what structured clone cannot carry, adjusted for one thread of several.
 */
import { join } from 'node:path';
import type { ResolvedStreamsConfig, StreamsConfig } from './config.js';
import type { StreamThreadWorkerData } from './stream-thread-messages.js';
import type { TaskLayout } from './task-layout.js';

/** Options the pool sets itself, or that stay on the main thread. */
const NOT_SENT = new Set([
  'logger',
  'uncaughtExceptionHandler',
  'numStreamThreads',
  'topologyModule',
  'topologyModuleArgs',
]);

/**
 * The worker data of thread `threadIndex` (1-based). Each thread is a one-thread instance of its own:
 * client id `<clientId>-StreamThread-<n>` (as Kafka Streams names its threads' clients), its share of
 * `cacheMaxBytes` (Kafka Streams divides the cache among threads too), and its own state directory
 * `<stateDir>/<applicationId>/StreamThread-<n>`: the task-directory lock is per process, so two threads
 * of one process must not share task directories (`cleanUp()` still deletes them all).
 */
export function streamThreadWorkerData(
  user: StreamsConfig,
  resolved: ResolvedStreamsConfig,
  threadIndex: number,
  layout: TaskLayout,
): StreamThreadWorkerData {
  const config: Record<string, unknown> = {};
  const droppedOptions: string[] = [];
  for (const [key, value] of Object.entries(user)) {
    if (NOT_SENT.has(key) || value === undefined) continue;
    if (cloneable(value)) config[key] = value;
    else droppedOptions.push(key);
  }
  Object.assign(config, {
    clientId: `${resolved.clientId}-StreamThread-${threadIndex}`,
    cacheMaxBytes: Math.floor(resolved.cacheMaxBytes / resolved.numStreamThreads),
    stateDir: join(resolved.stateDir, resolved.applicationId, `StreamThread-${threadIndex}`),
  });
  return {
    threadIndex,
    topologyModule: resolved.topologyModule!,
    topologyModuleArgs: resolved.topologyModuleArgs,
    config,
    droppedOptions,
    processId: resolved.processId,
    logLevel: resolved.logger.level,
    userTopicCounts: userTopicCounts(layout),
  };
}

/** The layout's partition counts without its internal topics: what `computeTaskLayout` starts from. */
function userTopicCounts(layout: TaskLayout): Map<string, number> {
  const internal = new Set(layout.internalTopics.map((topic) => topic.name));
  return new Map([...layout.partitionCounts].filter(([topic]) => !internal.has(topic)));
}

/** False for what structured clone refuses or would mangle: functions, anywhere inside. */
function cloneable(value: unknown): boolean {
  if (typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return true;
  return Object.values(value).every(cloneable);
}
