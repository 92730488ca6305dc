/**
 * A node of a running task: a source that passes records on, a processor that runs user or operator
 * code, or a sink that serializes and hands records to the collector.
 */
import { TaskError } from '../../errors.js';
import type { Processor } from '../../processor.js';
import type { StreamRecord } from '../../record.js';
import type { ProcessorNodeDef, SinkNodeDef } from '../node-definitions.js';
import { resolveTopicName } from '../topology-plan.js';
import type { TaskState } from './task-state.js';

/** A node of a running task, wired to its children. */
export interface RuntimeNode {
  readonly name: string;
  readonly children: RuntimeNode[];
  process(record: StreamRecord<unknown, unknown>): void;
}

/** A source's node: deserialization happens in the task; here records only fan out. */
export class SourceRuntimeNode implements RuntimeNode {
  readonly children: RuntimeNode[] = [];
  constructor(readonly name: string) {}
  process(record: StreamRecord<unknown, unknown>): void {
    const children = this.children;
    for (let i = 0; i < children.length; i++) children[i]!.process(record);
  }
}

/** Runs a processor; wraps what it throws in a coded `TaskError` naming the node. */
export class ProcessorRuntimeNode implements RuntimeNode {
  readonly children: RuntimeNode[] = [];
  readonly name: string;
  readonly processor: Processor<unknown, unknown, unknown, unknown>;
  constructor(def: ProcessorNodeDef) {
    this.name = def.name;
    this.processor = def.supplier();
  }
  process(record: StreamRecord<unknown, unknown>): void {
    try {
      this.processor.process(record);
    } catch (cause) {
      if (cause instanceof TaskError) throw cause;
      throw new TaskError(
        'STRM_ERR_TASK_PROCESSING',
        `processor "${this.name}" threw: ${(cause as Error)?.message ?? String(cause)}; fix the processor or filter the record out before it`,
        { cause, node: this.name },
      );
    }
  }
}

/** Serializes records and hands them to the collector, resolving internal topic names. */
export class SinkRuntimeNode implements RuntimeNode {
  readonly children: RuntimeNode[] = [];
  readonly name: string;
  private readonly fixedTopic: string | undefined;
  constructor(
    private readonly def: SinkNodeDef,
    private readonly task: TaskState,
  ) {
    this.name = def.name;
    this.fixedTopic =
      typeof def.topic === 'string' ? resolveTopicName(task.plan, task.applicationId, def.topic) : undefined;
  }

  process(record: StreamRecord<unknown, unknown>): void {
    const def = this.def;
    const task = this.task;
    const topic =
      this.fixedTopic ??
      resolveTopicName(
        task.plan,
        task.applicationId,
        (def.topic as Exclude<SinkNodeDef['topic'], string>)(record, task.currentMetadata),
      );
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      key = def.keySerde.serialize(record.key, { topic, isKey: true, headers: record.headers });
      value = def.valueSerde.serialize(record.value, { topic, isKey: false, headers: record.headers });
    } catch (cause) {
      throw new TaskError(
        'STRM_ERR_TASK_SERIALIZATION',
        `sink "${this.name}" cannot serialize a record for topic "${topic}" with serdes ${def.keySerde.name}/${def.valueSerde.name}: ${(cause as Error)?.message ?? String(cause)}; configure serdes that match the record's types (Produced.with(...))`,
        { cause, node: this.name },
      );
    }
    let partition: number | undefined;
    if (def.partitioner !== undefined) {
      const count = task.collector.partitionCount?.(topic);
      if (count !== undefined) partition = def.partitioner(topic, record.key, record.value, count);
    }
    task.collector.send(topic, key, value, record.timestamp, record.headers, partition);
  }
}
