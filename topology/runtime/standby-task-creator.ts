/**
 * Builds the standby tasks of an instance (Kafka Streams' `StandbyTaskCreator`): a standby's stores are
 * built as an active task builds them (`StreamTask.create` + `initStores()`, after `prepareTaskDirectory`
 * for persistent logged stores) but its processors are never initialised: a standby never processes input
 * and never produces (its collector refuses).
 */
import { join } from 'node:path';
import { ThreadCache } from '../../state/cache/thread-cache.js';
import { type CheckpointEntry, prepareTaskDirectory } from '../../state/index.js';
import type { StateStore } from '../../state/store.js';
import { StreamTask } from '../internal/task/stream-task.js';
import type { RecordCollector } from '../internal/task/task-io.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { ResolvedStreamsConfig } from './config.js';
import { RuntimeError } from './errors.js';
import type { TaskSpec } from './task-layout.js';

/** The standby tasks' record cache: a budget of 0, so nothing is cached and nothing counts. */
const STANDBY_CACHE = new ThreadCache(0);

/** One changelogged store of a standby. */
export interface FollowedStore {
  readonly name: string;
  readonly topic: string;
  readonly store: StateStore;
  /** Where following started: after the trusted checkpoint, or 0. */
  readonly startOffset: number;
  /** The offset of the checkpoint the store was opened with, -1 for none. */
  readonly trustedOffset: number;
  /** Persistent stores are checkpointed; in-memory ones are not (they hold nothing across restarts). */
  readonly checkpointed: boolean;
}

/** An open standby task. */
export interface StandbyTask {
  readonly spec: TaskSpec;
  readonly engine: StreamTask;
  /** `stateDir/<applicationId>/<taskId>`. */
  readonly path: string;
  readonly stores: ReadonlyArray<FollowedStore>;
  /** The checkpoint last written, as JSON: an unchanged one is not written again (two fsyncs). */
  lastCheckpoint?: string;
}

/**
 * Builds the task's stores as an active task does, without processors, from its checkpoint. Undefined
 * for a task without changelogged stores (nothing to follow).
 */
export async function createStandbyTask(
  config: ResolvedStreamsConfig,
  plan: TopologyPlan,
  spec: TaskSpec,
): Promise<StandbyTask | undefined> {
  const engine = StreamTask.create(plan, spec.subtopologyId, spec.partition, {
    applicationId: config.applicationId,
    stateDir: config.stateDir,
    collector: standbyCollector(spec.id),
    // A standby only restores and is read (stale reads): no record cache, and none outside the
    // instance's budget (without one, each caching store would make a default-sized cache of its own).
    cache: STANDBY_CACHE,
  });
  const changelogs = engine.changelogTopics();
  if (changelogs.size === 0) return undefined;
  const path = join(config.stateDir, config.applicationId, spec.id);
  const persistent = [...engine.stores()]
    .filter(([name, store]) => store.persistent && changelogs.has(name))
    .map(([name]) => name);
  // The state layer's protocol: the checkpoint decides which local store files are kept, before they open.
  const trusted: ReadonlyMap<string, CheckpointEntry> =
    persistent.length > 0 ? (await prepareTaskDirectory(path, persistent)).trusted : new Map();
  try {
    await engine.initStores();
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
  const stores: FollowedStore[] = [];
  for (const [name, topic] of changelogs) {
    const store = engine.stores().get(name);
    if (store === undefined) continue;
    const entry = trusted.get(name);
    stores.push({
      name,
      topic,
      store,
      startOffset: entry === undefined ? 0 : entry.offset + 1,
      trustedOffset: entry?.offset ?? -1,
      checkpointed: persistent.includes(name),
    });
  }
  return { spec, engine, path, stores };
}

/** A standby never processes, so nothing may be produced through it: a send is a bug in the runtime. */
function standbyCollector(taskId: string): RecordCollector {
  return {
    send: (topic) => {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_ILLEGAL_STATE',
        `standby task ${taskId} tried to send a record to ${topic}; standby tasks only apply changelogs`,
      );
    },
  };
}
