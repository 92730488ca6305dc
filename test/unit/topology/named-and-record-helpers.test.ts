import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Named,
  type ProcessorContext,
  type ProcessorSupplier,
  Produced,
  record,
  Serdes,
  StreamsBuilder,
  TopologyError,
  TopologyTestDriver,
  withHeaders,
  withKey,
  withTimestamp,
  withValue,
} from '../../../topology/index.js';
import { resolveConfig } from '../../../topology/runtime/config.js';
import { KafkaStreams } from '../../../topology/runtime/index.js';

const str = Serdes.String();

describe('Named', () => {
  it('names the processors of stateless operators in describe() instead of generated names', () => {
    const builder = new StreamsBuilder();
    const upper: ProcessorSupplier<string, string, string, string> = () => {
      let forward: ProcessorContext<string, string>['forward'] = () => {};
      return {
        init: (context) => {
          forward = context.forward.bind(context);
        },
        process: (r) => forward(withValue(r, r.value.toUpperCase())),
      };
    };
    builder
      .stream('in', Consumed.with(str, str))
      .filter((_k, v) => v.length > 0, Named.as('non-empty'))
      .mapValues((v) => v.trim(), Named.as('trim'))
      .processValues(upper, Named.as('upper'))
      .selectKey((_k, v) => v, Named.as('key-by-value'))
      .peek(() => {}, Named.as('look'))
      .to('out', Produced.with(str, str));
    const text = String(builder.build().describe());
    for (const name of ['non-empty', 'trim', 'upper', 'key-by-value', 'look']) {
      expect(text).toContain(`Processor: ${name} (stores: [])`);
    }
    expect(text).not.toContain('KSTREAM-FILTER');
  });

  it('refuses a name Kafka would not accept, and the same name twice at build()', () => {
    expect(() => Named.as('has space')).toThrow(TopologyError);
    expect(() => Named.as('')).toThrow(/not valid/);
    const builder = new StreamsBuilder();
    const stream = builder.stream('in', Consumed.with(str, str));
    stream.filter(() => true, Named.as('twice')).to('a');
    stream.mapValues((v) => v, Named.as('twice')).to('b');
    expect(() => builder.build()).toThrow(
      expect.objectContaining({ code: 'STRM_ERR_TOPOLOGY_DUPLICATE_NAME' }),
    );
  });

  it('runs a named topology in the test driver as an unnamed one', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', Consumed.with(str, str))
      .flatMapValues((line) => line.split(' '), Named.as('split-words'))
      .to('out', Produced.with(str, str));
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', str, str).pipeInput('k', 'a b');
    expect(driver.createOutputTopic('out', str, str).readValuesToList()).toEqual(['a', 'b']);
    driver.close();
  });
});

describe('record helpers', () => {
  it('copy a record with one part changed, leaving the original as it was', () => {
    const original = record('k', 1, 1_000, { source: 'web' });
    expect(withKey(original, 42)).toEqual({
      key: 42,
      value: 1,
      timestamp: 1_000,
      headers: { source: 'web' },
    });
    expect(withValue(original, 'one')).toEqual({
      key: 'k',
      value: 'one',
      timestamp: 1_000,
      headers: { source: 'web' },
    });
    expect(withTimestamp(original, 2_000).timestamp).toBe(2_000);
    expect(withHeaders(original, { ...original.headers, trace: 'x' }).headers).toEqual({
      source: 'web',
      trace: 'x',
    });
    expect(original).toEqual({ key: 'k', value: 1, timestamp: 1_000, headers: { source: 'web' } });
  });
});

describe('autoOffsetReset and cleanUp()', () => {
  it('defaults autoOffsetReset to earliest and refuses unknown policies', () => {
    const base = { applicationId: 'app', bootstrapServers: 'a:1' };
    expect(resolveConfig(base).autoOffsetReset).toBe('earliest');
    expect(resolveConfig({ ...base, autoOffsetReset: 'latest' }).autoOffsetReset).toBe('latest');
    expect(() => resolveConfig({ ...base, autoOffsetReset: 'smallest' as never })).toThrow(
      /autoOffsetReset "smallest"/,
    );
  });

  it('cleanUp() deletes the application state directory before start, and only its own', async () => {
    const stateDir = join(tmpdir(), `tstreams-cleanup-${process.pid}-${Date.now()}`);
    await mkdir(join(stateDir, 'app', '0_0'), { recursive: true });
    await writeFile(join(stateDir, 'app', '0_0', '.checkpoint'), 'x');
    await mkdir(join(stateDir, 'other-app'), { recursive: true });
    const builder = new StreamsBuilder();
    builder.stream('in').to('out');
    const streams = new KafkaStreams(builder.build(), {
      applicationId: 'app',
      bootstrapServers: 'a:1',
      stateDir,
    });
    await streams.cleanUp();
    expect(existsSync(join(stateDir, 'app'))).toBe(false);
    expect(existsSync(join(stateDir, 'other-app'))).toBe(true);
    await streams.cleanUp(); // nothing left to delete: still fine
  });
});
