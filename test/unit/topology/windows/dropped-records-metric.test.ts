import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Consumed, Serdes, StreamsBuilder, TimeWindows } from '../../../../topology/index.js';
import { droppedRecordsMetric } from '../../../../topology/runtime/index.js';
import { drive } from './helpers.js';

const str = Serdes.string();

describe('droppedRecordsMetric', () => {
  it('counts dropped records per task, processor and reason in tstreams_records_dropped_total', async () => {
    const registry = new Registry();
    const builder = new StreamsBuilder({
      defaultStoreType: 'in_memory',
      onDroppedRecord: droppedRecordsMetric('clicks-app', { registry }),
    });
    builder
      .stream('clicks', Consumed.with(str, str))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count();
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 20);
    input.pipeInput('ann', 'late', 5);
    input.pipeInput('bob', 'late', 6);
    const metric = await registry.getSingleMetric('tstreams_records_dropped_total')!.get();
    expect(metric.values).toEqual([
      {
        labels: {
          application_id: 'clicks-app',
          task_id: '0_0',
          processor: 'KSTREAM-AGGREGATE-0000000001',
          reason: 'window-closed',
        },
        value: 2,
      },
    ]);
    input.pipeInput('cyd', 'late', 7);
    const again = await registry.getSingleMetric('tstreams_records_dropped_total')!.get();
    expect(again.values[0]?.value).toBe(3);
  });
});
