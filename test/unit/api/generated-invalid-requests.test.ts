/**
 * Invalid requests generated from the served OpenAPI document: for every write route, every field of the
 * body is broken in every way its schema forbids (wrong type, missing when required, out of range, not
 * matching its pattern, format or enum, too long or too short), unknown fields are added, and non-object
 * bodies are sent. None may get a 5xx, every one must get a 4xx, and none may produce a record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booking, type TestApp, testApp } from './test-app.js';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean;
  minProperties?: number;
};

/** Values the schema refuses, each with a label. */
function invalidValues(schema: Schema): Array<[string, unknown]> {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const out: Array<[string, unknown]> = [];
  if (!types.includes('string')) out.push(['a string', 'text']);
  if (!types.includes('integer') && !types.includes('number')) out.push(['a number', 12345]);
  if (!types.includes('object')) out.push(['an object', { a: 1 }]);
  if (!types.includes('array')) out.push(['an array', [1]]);
  if (!types.includes('boolean')) out.push(['a boolean', true]);
  if (!types.includes('null')) out.push(['null', null]);
  if (types.includes('integer')) out.push(['a fraction', 1.5]);
  if (schema.minimum !== undefined) out.push(['below the minimum', schema.minimum - 1]);
  if (schema.maximum !== undefined) out.push(['above the maximum', schema.maximum + 1]);
  if (schema.minLength !== undefined && schema.minLength > 0)
    out.push(['too short', ''.padEnd(schema.minLength - 1, 'a')]);
  if (schema.maxLength !== undefined) out.push(['too long', 'A'.repeat(schema.maxLength + 1)]);
  if (schema.pattern !== undefined || schema.format !== undefined || schema.enum !== undefined) {
    out.push(['not matching its pattern, format or enum', '!! not valid !!']);
  }
  if (schema.format === 'date') out.push(['an impossible date', '2026-02-30']);
  if (schema.minItems !== undefined && schema.minItems > 0) out.push(['too few items', []]);
  if (schema.items !== undefined) {
    for (const [label, item] of invalidValues(schema.items)) out.push([`an item ${label}`, [item]]);
  }
  return out;
}

/** Every broken variant of `valid` under `schema`, with a path and a label. */
function mutations(schema: Schema, valid: Record<string, unknown>, path = 'body'): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  if (schema.additionalProperties === false)
    out.push([`${path} with an unknown field`, { ...valid, zzz: 1 }]);
  if (schema.minProperties !== undefined) out.push([`${path} empty`, {}]);
  for (const name of schema.required ?? []) {
    const { [name]: _removed, ...rest } = valid;
    out.push([`${path}.${name} missing`, rest]);
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    for (const [label, value] of invalidValues(property)) {
      out.push([`${path}.${name} ${label}`, { ...valid, [name]: value }]);
    }
    const nested = valid[name];
    if (property.properties !== undefined && typeof nested === 'object' && nested !== null) {
      for (const [label, value] of mutations(
        property,
        nested as Record<string, unknown>,
        `${path}.${name}`,
      )) {
        out.push([label, { ...valid, [name]: value }]);
      }
    }
  }
  return out;
}

describe('generated invalid requests', () => {
  let t: TestApp;
  let number: string;
  const dlqCalls: string[] = [];
  let doc: {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  };

  beforeAll(async () => {
    t = await testApp({
      dlq: {
        list: async (topic) => {
          dlqCalls.push(topic);
          return [];
        },
        replay: async (topic) => {
          dlqCalls.push(topic);
          return { replayed: [], skipped: [] };
        },
      },
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': t.bookingKey },
      payload: booking(),
    });
    number = created.json().confirmationNumber;
    doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(async () => {
    await t.app.close();
  });

  const valid: Record<string, Record<string, unknown>> = {
    'POST /reservations': booking(),
    'PATCH /reservations/{confirmationNumber}': { checkOutDate: '2026-04-14' },
    'POST /reservations/{confirmationNumber}/cancel': { reason: 'GUEST_REQUEST' },
    'POST /reservations/{confirmationNumber}/check-in': { roomNumbers: ['101'] },
    'POST /reservations/{confirmationNumber}/check-out': { checkOutDate: '2026-04-13' },
    'POST /dlq/{topic}/replay': { records: [{ partition: 0, offset: '1' }] },
  };

  it('covers every write route of the document', () => {
    const writes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.requestBody !== undefined)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(writes.sort()).toEqual(Object.keys(valid).sort());
  });

  it('answers every generated invalid request with a 4xx that says what is wrong, producing nothing', async () => {
    let sent = 0;
    for (const [route, base] of Object.entries(valid)) {
      const [method, path] = route.split(' ') as ['POST' | 'PATCH', string];
      const operation = doc.paths[path]![method.toLowerCase()]!;
      const schema = operation.requestBody!.content['application/json']!.schema;
      const url = path.replace('{confirmationNumber}', number).replace('{topic}', 'reservation.created.dlq');
      const key = route.includes('/dlq/') ? t.operatorKey : t.bookingKey;
      const cases: Array<[string, unknown]> = [
        ...mutations(schema, base),
        ['an array body', [base]],
        ['a string body', 'text'],
        ['a number body', 7],
      ];
      for (const [label, body] of cases) {
        const response = await t.app.inject({
          method,
          url,
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        sent++;
        expect(response.statusCode, `${route}: ${label}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, `${route}: ${label}`).toBeLessThan(500);
        expect(response.json().message, `${route}: ${label}`).toMatch(/\w/);
      }
    }
    expect(sent).toBeGreaterThan(150);
    // Only the setup's booking was produced; the DLQ service was never reached.
    expect(t.publisher.events).toHaveLength(1);
    expect(t.publisher.raw).toHaveLength(0);
    expect(dlqCalls).toEqual([]);
  });
});
