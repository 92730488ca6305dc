import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../../topology/dead-letter.js';
import { inputProducer, readAll } from '../../support/index.js';
import { startTestInstance, type TestInstance } from './api-instance.js';

describe('dead-letter listing and replay through the API', () => {
  let t: TestInstance;
  let operator: string;
  let booking: string;
  let dlq: string;
  let source: string;

  beforeAll(async () => {
    t = await startTestInstance({ RUN_SINK: 'false', LOG_LEVEL: 'error' });
    operator = await t.api.apiKeys.create('it-operator', 'operator');
    booking = await t.api.apiKeys.create('it-booking', 'booking');
    source = `${t.prefix}reservation.created`;
    dlq = `${source}.dlq`;
    // Two records dead-lettered the way the streams runtime does it: original bytes, x-dlq-* headers.
    const producer = inputProducer();
    await producer.connect();
    await producer.send({
      topic: dlq,
      messages: [0, 1].map((i) => ({
        key: 'LIS-ALFAMA',
        value: Buffer.from(`not avro ${i}`),
        partition: 0,
        headers: {
          trace: `t-${i}`,
          [DLQ_HEADERS.errorCode]: 'STRM_ERR_SERDE_WIRE_FORMAT',
          [DLQ_HEADERS.errorMessage]: 'magic byte is not 0',
          [DLQ_HEADERS.sourceTopic]: source,
          [DLQ_HEADERS.sourcePartition]: '1',
          [DLQ_HEADERS.sourceOffset]: String(40 + i),
          [DLQ_HEADERS.sourceNode]: 'source:reservation.created',
        },
      })),
    });
    await producer.disconnect();
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, key: string, payload?: object) =>
    t.api.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });

  it('lists the records with their error and source coordinates', async () => {
    const response = await call('GET', `/dlq/${dlq}`, operator);
    expect(response.statusCode).toBe(200);
    const { records } = response.json();
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      dlqTopic: dlq,
      partition: 0,
      offset: '0',
      sourceTopic: source,
      sourcePartition: 1,
      sourceOffset: '40',
      errorCode: 'STRM_ERR_SERDE_WIRE_FORMAT',
      errorMessage: 'magic byte is not 0',
      replayed: null,
    });
  });

  it('refuses a booking key', async () => {
    expect((await call('GET', `/dlq/${dlq}`, booking)).statusCode).toBe(403);
  });

  it('replays a chosen record once to its source topic, without the x-dlq headers; a second replay skips it', async () => {
    const first = await call('POST', `/dlq/${dlq}/replay`, operator, {
      records: [{ partition: 0, offset: '1' }],
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      replayed: [{ partition: 0, offset: '1', targetTopic: source }],
      skipped: [],
    });
    const all = await call('POST', `/dlq/${dlq}/replay`, operator, { all: true });
    expect(all.json()).toEqual({
      replayed: [{ partition: 0, offset: '0', targetTopic: source }],
      skipped: [{ partition: 0, offset: '1', reason: 'already replayed' }],
    });
    const again = await call('POST', `/dlq/${dlq}/replay`, operator, { all: true });
    expect(again.json().replayed).toEqual([]);

    const replayed = await readAll(source);
    expect(replayed.map((r) => r.value?.toString()).sort()).toEqual(['not avro 0', 'not avro 1']);
    for (const record of replayed) {
      expect(Object.keys(record.headers)).toEqual(['trace']);
      expect(record.key?.toString()).toBe('LIS-ALFAMA');
    }
    const rows = await t.api.pool.query(
      'SELECT dlq_offset::text AS o, replayed_by, target_offset IS NOT NULL AS has_target FROM ops.dlq_replay ORDER BY dlq_offset',
    );
    expect(rows.rows).toEqual([
      { o: '0', replayed_by: 'it-operator', has_target: true },
      { o: '1', replayed_by: 'it-operator', has_target: true },
    ]);
    const listed = (await call('GET', `/dlq/${dlq}`, operator)).json().records;
    expect(listed.every((r: { replayed: { by: string } | null }) => r.replayed?.by === 'it-operator')).toBe(
      true,
    );
  });
});
