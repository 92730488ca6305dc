import { StreamTask } from '../internal/task/stream-task.js';
import { ActiveTask } from './active-task.js';
import { inputFailureHandlerFor } from './error-handlers.js';
import { InputQueues } from './input-queues.js';
import type { SenderLanes } from './sender-lanes.js';
import type { SerdePreparation } from './serde-preparation.js';
import type { StateDirectory } from './state-directory.js';
import { TaskCollector } from './task-collector.js';
import type { TaskSpec } from './task-layout.js';
import type { TaskProducers } from './task-producers.js';
import type { ThreadResources } from './thread-resources.js';

/** What the creator needs from its thread. */
export interface ActiveTaskCreatorContext extends ThreadResources {
  /** The thread's shared output (at-least-once). */
  readonly sender: SenderLanes;
  readonly serdes: SerdePreparation;
  readonly stateDirectory: StateDirectory;
  /** Exactly-once only: every task gets its own transactional producer. */
  readonly producers: TaskProducers | undefined;
}

export class ActiveTaskCreator {
  readonly #ctx: ActiveTaskCreatorContext;

  constructor(ctx: ActiveTaskCreatorContext) {
    this.#ctx = ctx;
  }

  /** Builds a task and opens its stores; the state updater restores them, then its processors start. */
  async create(spec: TaskSpec): Promise<ActiveTask> {
    const { config, plan, layout, events, logger } = this.#ctx;
    const transaction = await this.#ctx.producers?.open(spec);
    const collector = new TaskCollector(
      spec.id,
      transaction?.sender ?? this.#ctx.sender,
      layout.partitionCounts,
    );
    const handlerContext = { taskId: spec.id, collector, events, logger };
    const engine = StreamTask.create(plan, spec.subtopologyId, spec.partition, {
      applicationId: config.applicationId,
      stateDir: config.stateDir,
      collector,
      cache: this.#ctx.cache,
      globalStores: this.#ctx.globalStores,
      deserializationHandler: inputFailureHandlerFor(
        'deserialization',
        config.deserializationExceptionHandler,
        handlerContext,
      ),
      processingHandler: inputFailureHandlerFor(
        'processing',
        config.processingExceptionHandler,
        handlerContext,
      ),
    });
    const changelogs = engine.changelogTopics();
    const persistent = [...engine.stores()]
      .filter(([name, store]) => store.persistent && changelogs.has(name))
      .map(([name]) => name);
    let directory: Awaited<ReturnType<StateDirectory['prepare']>>;
    try {
      // One producer per thread: an earlier owner's transaction still open on a changelog is waited for.
      await this.#ctx.producers?.awaitStableChangelogs([...changelogs.values()], spec.partition);
      directory = await this.#ctx.stateDirectory.prepare(spec.id, persistent);
      for (const topic of changelogs.values())
        this.#ctx.stateDirectory.forgetAcknowledged(topic, spec.partition);
      await this.#ctx.serdes.forTask(spec.subtopologyId);
      await engine.initStores();
    } catch (error) {
      // The engine took a share of the record cache and may have opened stores: give both back, or a
      // failed creation (registry down, a locked directory) leaves a phantom task shrinking every share.
      await engine.close().catch(() => undefined);
      throw error;
    }
    return new ActiveTask(
      spec,
      engine,
      collector,
      directory,
      transaction,
      spec.sourceTopics.length > 1
        ? new InputQueues(spec.sourceTopics, config.maxTaskIdleMs, Date.now())
        : undefined,
    );
  }

  /**
   * Tells the input queues of new tasks with several inputs where each input starts and ends: kafkajs
   * never hands out an empty batch, so an input with nothing to read would otherwise stay unknown and hold
   * the others back for the queues' first seconds. Best effort: without it the queues find out by fetching.
   */
  async primeInputQueues(candidates: ReadonlyArray<ActiveTask>): Promise<void> {
    const tasks = candidates.filter((task) => task.inputs !== undefined);
    if (tasks.length === 0) return;
    const admin = this.#ctx.kafka.admin();
    try {
      await admin.connect();
      const topics = [...new Set(tasks.flatMap((task) => task.spec.sourceTopics))];
      const committed = await admin.committedOffsets(this.#ctx.config.applicationId, topics);
      for (const topic of topics) {
        for (const { partition, low, high } of await admin.watermarks(topic)) {
          const start = committed.find((entry) => entry.topic === topic && entry.partition === partition);
          for (const task of tasks) {
            if (task.spec.partition === partition && task.spec.sourceTopics.includes(topic))
              task.inputs!.prime(topic, high, start?.offset ?? low);
          }
        }
      }
    } catch (error) {
      this.#ctx.logger.debug({ err: error }, 'input queues not primed; they find their ends by fetching');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
