import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../../api/errors.js';
import { type TestApp, testApp } from './test-app.js';

describe('OpenAPI document and operations routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      dlq: { list: async () => [], replay: async () => ({ replayed: [], skipped: [] }) },
    });
  });
  afterAll(async () => {
    await t.app.close();
  });

  it('describes every route with its request schemas, generated from the route definitions', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/alerts',
      '/dlq/{topic}',
      '/dlq/{topic}/replay',
      '/health',
      '/metrics',
      '/properties/{propertyId}/alerts',
      '/properties/{propertyId}/availability',
      '/properties/{propertyId}/forecast',
      '/properties/{propertyId}/kpis',
      '/properties/{propertyId}/pace',
      '/properties/{propertyId}/pickup',
      '/properties/{propertyId}/rates',
      '/ready',
      '/reservations',
      '/reservations/{confirmationNumber}',
      '/reservations/{confirmationNumber}/cancel',
      '/reservations/{confirmationNumber}/check-in',
      '/reservations/{confirmationNumber}/check-out',
    ]);
    const create = doc.paths['/reservations'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toContain('paymentToken');
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '422', '429']),
    );
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ in: 'header', name: 'x-api-key' });
  });

  it('serves the docs page', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });

  it('exports HTTP latency histograms per route pattern on /metrics', async () => {
    await t.app.inject({
      method: 'GET',
      url: '/reservations/RSV-2026-000123',
      headers: { 'x-api-key': t.bookingKey },
    });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/reservations\/:confirmationNumber",status_code="404"\} 1/,
    );
  });

  it('answers an unknown route with a coded 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('API_ERR_NOT_FOUND');
  });

  it('lists every error code in docs/api.md with its status, and nothing more', () => {
    const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    const documented = new Map(
      [...doc.matchAll(/^\|\s*`(API_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]),
    );
    expect(Object.fromEntries(documented)).toEqual(API_ERROR_CODES);
  });
});
