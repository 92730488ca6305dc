/** The ProcessorContext a processor node sees: forwards to that node's children, checks store access. */
import type { StateStore } from '../../../state/store.js';
import { TopologyError } from '../../errors.js';
import type { Cancellable, ProcessorContext, PunctuationType, Punctuator } from '../../processor.js';
import type { RecordMetadata, StreamRecord } from '../../record.js';
import type { RuntimeNode } from './runtime-node.js';
import type { TaskState } from './task-state.js';

/** The context of one processor node of a task. */
export class NodeContext<KOut, VOut> implements ProcessorContext<KOut, VOut> {
  constructor(
    private readonly task: TaskState,
    private readonly node: RuntimeNode,
    private readonly allowedStores: ReadonlySet<string>,
  ) {}

  get applicationId(): string {
    return this.task.applicationId;
  }

  get taskId(): string {
    return this.task.taskId;
  }

  forward(record: StreamRecord<KOut, VOut>, childName?: string): void {
    const task = this.task;
    const previous = task.currentTimestamp;
    const previousHeaders = task.currentHeaders;
    // Downstream stores stamp their changelog records with the forwarded record's time, as in Kafka Streams,
    // and a downstream record cache keeps its headers.
    task.currentTimestamp = record.timestamp;
    task.currentHeaders = record.headers;
    try {
      if (childName === undefined) {
        const children = this.node.children;
        for (let i = 0; i < children.length; i++) children[i]!.process(record);
      } else {
        const child = this.node.children.find((c) => c.name === childName);
        if (child === undefined) {
          throw new TopologyError(
            'STRM_ERR_TOPOLOGY_UNKNOWN_NODE',
            `"${this.node.name}" forwards to child "${childName}", which is not one of its children (${this.node.children.map((c) => c.name).join(', ') || 'none'}); forward to an existing child or omit the name`,
          );
        }
        child.process(record);
      }
    } finally {
      task.currentTimestamp = previous;
      task.currentHeaders = previousHeaders;
    }
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.task.currentMetadata;
  }

  getStateStore<S extends StateStore>(name: string): S {
    if (this.allowedStores.has(name)) {
      const store = this.task.stores.get(name);
      if (store !== undefined) return store as S;
    }
    const global = this.task.globalStores.get(name);
    if (global !== undefined) return global as S;
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_STORE_NOT_CONNECTED',
      `processor "${this.node.name}" asked for state store "${name}", which is not connected to it${this.allowedStores.size > 0 ? ` (connected: ${[...this.allowedStores].join(', ')})` : ''}; connect it with addStateStore(builder, "${this.node.name}"), connectProcessorAndStateStores, or the DSL's process(supplier, { stores: ["${name}"] })`,
    );
  }

  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable {
    if (!(intervalMs >= 1)) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        `processor "${this.node.name}" schedules a punctuator every ${intervalMs} ms; use an interval of at least 1 ms`,
      );
    }
    if (type === 'STREAM_TIME') {
      // Aligned to 0 so that the first record fires it, as Kafka Streams does.
      return this.task.streamTimePunctuators.add(this.node.name, intervalMs, 0, callback);
    }
    return this.task.wallClockPunctuators.add(
      this.node.name,
      intervalMs,
      this.task.wallClock() + intervalMs,
      callback,
    );
  }

  /** @internal Stream time as of the task's last record-cache flush (see `TaskState.flushedStreamTime`). */
  flushedStreamTimeMs(): number {
    return this.task.flushedStreamTime;
  }

  /** @internal Calls `listener` after each record-cache flush of the task. */
  onCacheFlushed(listener: () => void): void {
    this.task.cacheFlushListeners.push(listener);
  }

  commit(): void {
    this.task.commitRequested = true;
  }

  currentStreamTimeMs(): number {
    return this.task.streamTime;
  }

  currentSystemTimeMs(): number {
    return this.task.wallClock();
  }
}
