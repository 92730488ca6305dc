import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { RecordCacheStatistics } from '../../../state/index.js';
import { createStreamsEventEmitter } from '../../../topology/runtime/events.js';
import { registerStreamsMetrics } from '../../../topology/runtime/metrics.js';

describe('registerStreamsMetrics', () => {
  it('turns instrumentation events into labelled Prometheus series, and stops on unsubscribe', async () => {
    const registry = new Registry();
    const events = createStreamsEventEmitter();
    const stop = registerStreamsMetrics({ applicationId: 'app', events }, { registry });
    events.emit('batchProcessed', {
      taskId: '0_1',
      topic: 'in',
      partition: 1,
      consumed: 10,
      processed: 9,
      durationMs: 2,
      lag: 40,
    });
    events.emit('recordsProduced', { taskId: '0_1', count: 9 });
    events.emit('commit', { durationMs: 12, taskIds: ['0_1'], reason: 'interval' });
    events.emit('deadLetter', {
      topic: 'in.dlq',
      reason: 'deserialization',
      sourceTopic: 'in',
      sourcePartition: 1,
      sourceOffset: 5,
    });
    events.emit('rebalanceCompleted', { tasks: ['0_1', '1_1'], durationMs: 30 });
    events.emit('restoreCompleted', { taskIds: ['1_1'], partitions: 1, records: 42, durationMs: 80 });
    events.emit('stateChange', 'RUNNING', 'REBALANCING');
    events.emit('taskRevived', { taskId: '0_1', attempt: 1, error: new Error('transaction timed out') });
    events.emit('threadRecovered', { error: new Error('broker down'), attempt: 1 });
    events.emit('threadRecovered', { error: new Error('broker down'), attempt: 2 });
    events.emit('error', new Error('record too large'));
    const text = await registry.metrics();
    expect(text).toContain('tstreams_records_consumed_total{application_id="app",task_id="0_1"} 10');
    expect(text).toContain('tstreams_records_processed_total{application_id="app",task_id="0_1"} 9');
    expect(text).toContain('tstreams_records_produced_total{application_id="app",task_id="0_1"} 9');
    expect(text).toContain('tstreams_consumer_lag_records{application_id="app",topic="in",partition="1"} 40');
    expect(text).toContain('tstreams_commit_seconds_count{application_id="app",reason="interval"} 1');
    expect(text).toContain(
      'tstreams_dead_letter_records_total{application_id="app",topic="in.dlq",reason="deserialization"} 1',
    );
    expect(text).toContain('tstreams_rebalances_total{application_id="app"} 1');
    expect(text).toContain('tstreams_active_tasks{application_id="app"} 2');
    expect(text).toContain('tstreams_restored_records_total{application_id="app"} 42');
    expect(text).toContain('tstreams_restore_seconds_count{application_id="app"} 1');
    expect(text).toContain('tstreams_state{application_id="app",state="RUNNING"} 1');
    expect(text).toContain('tstreams_state{application_id="app",state="REBALANCING"} 0');
    expect(text).toContain('tstreams_task_revivals_total{application_id="app"} 1');
    expect(text).toContain('tstreams_thread_recoveries_total{application_id="app"} 2');
    expect(text).toContain('tstreams_thread_failures_total{application_id="app"} 1');

    stop();
    events.emit('recordsProduced', { taskId: '0_1', count: 100 });
    expect(await registry.metrics()).toContain(
      'tstreams_records_produced_total{application_id="app",task_id="0_1"} 9',
    );
  });

  it('reads the record cache after each commit: hit ratio, bytes, and evictions as a counter', async () => {
    const registry = new Registry();
    const events = createStreamsEventEmitter();
    let stats: RecordCacheStatistics | undefined;
    registerStreamsMetrics(
      { applicationId: 'cached', events, recordCacheStatistics: () => stats },
      { registry },
    );
    const commit = () => events.emit('commit', { durationMs: 1, taskIds: ['0_0'], reason: 'interval' });
    const cache = (hits: number, misses: number, evictions: number, sizeBytes: number) => ({
      hits,
      misses,
      evictions,
      sizeBytes,
      entries: 10,
      maxBytes: 1_000,
      tasks: 1,
      hitRatio: hits / (hits + misses),
    });
    stats = cache(3, 1, 5, 400);
    commit();
    stats = cache(9, 1, 7, 600);
    commit();
    let text = await registry.metrics();
    expect(text).toContain('tstreams_record_cache_hit_ratio{application_id="cached"} 0.9');
    expect(text).toContain('tstreams_record_cache_bytes{application_id="cached"} 600');
    expect(text).toContain('tstreams_record_cache_evictions_total{application_id="cached"} 7');
    // A replaced stream thread counts from 0 again: the counter keeps going up.
    stats = cache(1, 0, 2, 100);
    commit();
    text = await registry.metrics();
    expect(text).toContain('tstreams_record_cache_evictions_total{application_id="cached"} 9');
  });
});
