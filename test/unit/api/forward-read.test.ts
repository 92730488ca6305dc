/**
 * Forwarding a read to the instance that owns its key, on two real local fastify servers: the answer
 * comes back unchanged (status, body, relayed headers), the hop is marked, and an owner that does not
 * answer turns into the API's retriable 503.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../../api/http/error-handler.js';
import { FORWARDED_HEADER, forwardRead, SERVED_BY_HEADER } from '../../../api/queries/forward-read.js';

describe('forwardRead', () => {
  let owner: FastifyInstance;
  let front: FastifyInstance;
  let ownerServer: string;
  /** A port nothing listens on (bound, then closed). */
  let deadServer: string;

  beforeAll(async () => {
    // The slow route outlives its forward's timeout: close its connection at once instead of waiting.
    owner = Fastify({ forceCloseConnections: true });
    // What fastify itself answers while the server closes: a 503 that is not one of the API's errors.
    owner.get('/closing/:id', async (_request, reply) =>
      reply
        .status(503)
        .send({ error: 'Service Unavailable', message: 'Service Unavailable', statusCode: 503 }),
    );
    owner.get('/things/:id', async (request, reply) => {
      reply.header(SERVED_BY_HEADER, 'owner:1').header('x-not-relayed', 'yes');
      if ((request.params as { id: string }).id === 'missing') {
        return reply.status(404).send({ code: 'API_ERR_NOT_FOUND', message: 'no such thing' });
      }
      if ((request.params as { id: string }).id === 'busy') {
        return reply.status(503).header('retry-after', '1').send({ code: 'API_ERR_UNAVAILABLE' });
      }
      if ((request.params as { id: string }).id === 'slow') await new Promise((r) => setTimeout(r, 3_000));
      return { url: request.url, headers: request.headers };
    });
    await owner.listen({ host: '127.0.0.1', port: 0 });
    ownerServer = `127.0.0.1:${(owner.server.address() as { port: number }).port}`;

    const dead = Fastify();
    await dead.listen({ host: '127.0.0.1', port: 0 });
    deadServer = `127.0.0.1:${(dead.server.address() as { port: number }).port}`;
    await dead.close();

    front = Fastify();
    installErrorHandler(front);
    front.get('/closing/:id', async (request, reply) => forwardRead(request, reply, ownerServer, 1_500));
    front.get('/things/:id', async (request, reply) => {
      const target = (request.query as { to?: string }).to === 'dead' ? deadServer : ownerServer;
      return forwardRead(request, reply, target, 1_500);
    });
    await front.ready();
  });
  afterAll(async () => {
    await front?.close();
    await owner?.close();
  });

  it('sends the same path, query and API key with the hop header, and relays the answer unchanged', async () => {
    const response = await front.inject({
      method: 'GET',
      url: '/things/7?from=2026-01-01&to=2026-01-03',
      headers: { 'x-api-key': 'k-123', cookie: 'not=forwarded' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers[SERVED_BY_HEADER]).toBe('owner:1');
    expect(response.headers['x-not-relayed']).toBeUndefined();
    const seen = response.json();
    expect(seen.url).toBe('/things/7?from=2026-01-01&to=2026-01-03');
    expect(seen.headers['x-api-key']).toBe('k-123');
    expect(seen.headers[FORWARDED_HEADER]).toBe('1');
    expect(seen.headers.cookie).toBeUndefined();
  });

  it("relays the owner's errors as they are (404, 503 with Retry-After)", async () => {
    const missing = await front.inject({ method: 'GET', url: '/things/missing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'API_ERR_NOT_FOUND', message: 'no such thing' });
    const busy = await front.inject({ method: 'GET', url: '/things/busy' });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
  });

  it.each([
    ['does not answer in time', '/things/slow', /did not answer within 1500 ms/],
    ['refuses the connection', '/things/7?to=dead', /could not be reached \(ECONNREFUSED\)/],
  ])('answers a retriable 503 when the owner %s', async (_what, url, message) => {
    const started = Date.now();
    const response = await front.inject({ method: 'GET', url });
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({
      code: 'API_ERR_UNAVAILABLE',
      retriable: true,
      details: { reason: 'FORWARD_FAILED' },
    });
    expect(response.json().message).toMatch(message);
  });

  it('turns an owner that is shutting down (a bare 503, not an API error) into the retriable 503', async () => {
    const response = await front.inject({ method: 'GET', url: '/closing/1' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({
      code: 'API_ERR_UNAVAILABLE',
      retriable: true,
      details: { reason: 'FORWARD_FAILED' },
    });
  });
});
