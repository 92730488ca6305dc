/**
 * What every part of a stream thread reads (the thread, its task manager, its task creator): the
 * instance's settings, plan, task layout, client, events, logger, the thread's record cache and the
 * instance's global stores. Each part's context extends it with what only that part gets.
 */

import type { Logger } from 'pino';
import type { ThreadCache } from '../../state/cache/thread-cache.js';
import type { StateStore } from '../../state/store.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { ResolvedStreamsConfig } from './config.js';
import type { StreamsEventEmitter } from './events.js';
import type { TaskLayout } from './task-layout.js';

export interface ThreadResources {
  readonly config: ResolvedStreamsConfig;
  readonly plan: TopologyPlan;
  readonly layout: TaskLayout;
  readonly kafka: KafkaClient;
  readonly events: StreamsEventEmitter;
  readonly logger: Logger;
  /** The record cache of the thread's tasks (`cacheMaxBytes`, divided among them). */
  readonly cache: ThreadCache;
  /** The instance's global stores (`GlobalStreamThread`), readable by every task's processors. */
  readonly globalStores: ReadonlyMap<string, StateStore>;
}
