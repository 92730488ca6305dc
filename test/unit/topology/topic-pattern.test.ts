import { describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../../topology/index.js';
import { readsTopic } from '../../../topology/internal/topic-pattern.js';

describe('topic-pattern sources', () => {
  it('match whole topic names, as Kafka pattern subscriptions do, whatever the flags', () => {
    expect(readsTopic(/prices-.*/, 'prices-eu')).toBe(true);
    expect(readsTopic(/prices-.*/, 'old.prices-eu')).toBe(false);
    expect(readsTopic(/prices/, 'prices-eu')).toBe(false);
    const global = /prices-[a-z]+/g;
    expect([readsTopic(global, 'prices-eu'), readsTopic(global, 'prices-eu')]).toEqual([true, true]);
  });

  it('read the same topics in the test driver', async () => {
    const str = Serdes.string();
    const builder = new StreamsBuilder();
    builder.stream(/prices-[a-z]+/, Consumed.with(str, str)).to('out', Produced.with(str, str));
    const driver = new TopologyTestDriver(builder.build());
    try {
      driver.createInputTopic('prices-eu', str, str).pipeInput('k', 'v');
      expect(driver.createOutputTopic('out', str, str).readValuesToList()).toEqual(['v']);
      expect(() => driver.createInputTopic('old.prices-eu', str, str)).toThrow(/reads no topic/);
    } finally {
      await driver.close();
    }
  });
});
