/**
 * Where a store-backed read is answered, on two real local fastify servers, each routing with its own
 * view of the streams' assignment (a plain object standing for the runtime's metadata): the owner
 * answers itself, anyone else forwards once, and every uncertain case is a retriable 503, unless the
 * request accepts a stale answer (`x-accept-stale`) and a replica within its lag answers (with `x-store-lag`).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../../api/http/error-handler.js';
import {
  ACCEPT_STALE_HEADER,
  FORWARDED_HEADER,
  SERVED_BY_HEADER,
  STORE_LAG_HEADER,
} from '../../../api/queries/forward-read.js';
import { FORWARDED, type QueryableStreams, StoreReadRouter } from '../../../api/queries/store-read-router.js';

/** An instance's view: its state and which server owns each property. */
interface View {
  state: string;
  owners: Record<string, string | undefined>;
  /** Thrown by store(), as the runtime does when the task is not (or no longer) local. */
  storeError?: Error & { retriable?: boolean };
  /** The lag of this instance's standby copy of every partition; absent: it keeps none. */
  standbyLag?: number;
  /** Which servers keep a standby copy, per property. */
  standbys?: Record<string, string[]>;
}

function viewStreams(view: View): QueryableStreams {
  return {
    get state() {
      return view.state;
    },
    metadataForKey: (_store, keyBytes) => {
      const property = keyBytes.toString('utf8');
      if (!(property in view.owners)) return undefined;
      return {
        server: view.owners[property],
        standbyServers: view.standbys?.[property] ?? [],
        partition: property.length % 2,
      };
    },
    store: <S>(storeName: string, partition: number) => {
      if (view.storeError !== undefined) throw view.storeError;
      return { storeName, partition } as S;
    },
    staleStore: <S>(storeName: string, partition: number) => {
      if (view.standbyLag === undefined)
        throw Object.assign(new Error('no replica here'), { retriable: true });
      return { store: { storeName, partition, standby: true } as S, lag: view.standbyLag };
    },
  };
}

async function instance(
  view: View,
): Promise<{ app: FastifyInstance; server: string; router: () => StoreReadRouter }> {
  const app = Fastify();
  installErrorHandler(app);
  let router: StoreReadRouter | undefined;
  app.get('/p/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const answer = await router!.route(request, reply, 'inventory', id, async () => ({
      answeredBy: router!.self,
      store: router!.localStore('inventory', id),
    }));
    return answer === FORWARDED ? reply : answer;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const server = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
  router = new StoreReadRouter({
    streams: viewStreams(view),
    self: server,
    keyBytes: (id) => Buffer.from(id, 'utf8'),
  });
  return { app, server, router: () => router! };
}

describe('StoreReadRouter', () => {
  const viewA: View = { state: 'RUNNING', owners: {} };
  const viewB: View = { state: 'RUNNING', owners: {} };
  let a: Awaited<ReturnType<typeof instance>>;
  let b: Awaited<ReturnType<typeof instance>>;

  beforeAll(async () => {
    a = await instance(viewA);
    b = await instance(viewB);
    const owners = { NORTH: a.server, SOUTH: b.server };
    viewA.owners = { ...owners };
    viewB.owners = { ...owners };
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
  });
  const get = (from: typeof a, id: string, headers: Record<string, string> = {}) =>
    from.app.inject({ method: 'GET', url: `/p/${id}`, headers });

  it("answers its own property from its store, and forwards the other's to its owner", async () => {
    const local = await get(a, 'NORTH');
    expect(local.statusCode).toBe(200);
    expect(local.headers[SERVED_BY_HEADER]).toBe(a.server);
    expect(local.json()).toEqual({ answeredBy: a.server, store: { storeName: 'inventory', partition: 1 } });

    const forwarded = await get(a, 'SOUTH');
    expect(forwarded.statusCode).toBe(200);
    expect(forwarded.headers[SERVED_BY_HEADER]).toBe(b.server);
    expect(forwarded.json()).toMatchObject({ answeredBy: b.server });
  });

  it('never forwards a forwarded request again: the views disagree (mid-rebalance) and it is a 503', async () => {
    viewB.owners.SOUTH = a.server;
    try {
      const bounced = await get(a, 'SOUTH');
      expect(bounced.statusCode).toBe(503);
      expect(bounced.headers['retry-after']).toBe('1');
      expect(bounced.json()).toMatchObject({ retriable: true, details: { reason: 'NOT_OWNER' } });
      // A client sending the hop header itself gets the same: it can make no instance forward.
      const spoofed = await get(b, 'NORTH', { [FORWARDED_HEADER]: '1' });
      expect(spoofed.json()).toMatchObject({ details: { reason: 'NOT_OWNER' } });
    } finally {
      viewB.owners.SOUTH = b.server;
    }
  });

  it.each([
    ['the instance rebalances', { state: 'REBALANCING' }, 'REBALANCING'],
    ['no owner is known', { owners: { NORTH: undefined } }, 'OWNER_UNKNOWN'],
    ['the store has no task for the key', { owners: {} }, 'OWNER_UNKNOWN'],
    [
      'the store is not readable here any more',
      { storeError: Object.assign(new Error('task 0_1 is restoring'), { retriable: true }) },
      'REBALANCING',
    ],
  ])('answers a retriable 503 when %s', async (_what, change: Partial<View>, reason) => {
    const saved = { ...viewA, owners: { ...viewA.owners } };
    Object.assign(viewA, change);
    try {
      const response = await get(a, 'NORTH');
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({
        statusCode: 503,
        code: 'API_ERR_UNAVAILABLE',
        retriable: true,
        details: { reason },
      });
    } finally {
      Object.assign(viewA, saved);
      delete viewA.storeError;
    }
  });

  describe('stale reads (x-accept-stale)', () => {
    /** Nothing listens there: a killed owner. */
    const DEAD = '127.0.0.1:1';
    const reset = () => {
      for (const view of [viewA, viewB]) {
        view.state = 'RUNNING';
        view.owners = { NORTH: a.server, SOUTH: b.server };
        delete view.standbyLag;
        delete view.standbys;
      }
    };
    afterAll(reset);

    it("answers from this instance's standby, with its lag, when the owner cannot be reached", async () => {
      viewA.owners.SOUTH = DEAD;
      viewA.standbyLag = 3;
      try {
        const strict = await get(a, 'SOUTH');
        expect(strict.statusCode).toBe(503);
        expect(strict.json()).toMatchObject({ details: { reason: 'FORWARD_FAILED' } });

        const stale = await get(a, 'SOUTH', { [ACCEPT_STALE_HEADER]: '10' });
        expect(stale.statusCode).toBe(200);
        expect(stale.headers[SERVED_BY_HEADER]).toBe(a.server);
        expect(stale.headers[STORE_LAG_HEADER]).toBe('3');
        expect(stale.json()).toEqual({
          answeredBy: a.server,
          store: { storeName: 'inventory', partition: 1, standby: true },
        });
        // Lagging more than accepted, with no other standby: the 503 stands.
        const tooStale = await get(a, 'SOUTH', { [ACCEPT_STALE_HEADER]: '2' });
        expect(tooStale.statusCode).toBe(503);
      } finally {
        reset();
      }
    });

    it('forwards to an instance with a standby copy within the lag when its own lags too much', async () => {
      viewA.owners.SOUTH = DEAD;
      viewB.owners.SOUTH = DEAD;
      viewA.standbyLag = 50;
      viewB.standbyLag = 1;
      viewA.standbys = { SOUTH: [b.server] };
      try {
        const stale = await get(a, 'SOUTH', { [ACCEPT_STALE_HEADER]: '5' });
        expect(stale.statusCode).toBe(200);
        expect(stale.headers[SERVED_BY_HEADER]).toBe(b.server);
        expect(stale.headers[STORE_LAG_HEADER]).toBe('1');
        expect(stale.json()).toMatchObject({ answeredBy: b.server });
      } finally {
        reset();
      }
    });

    it('answers from a standby while this instance rebalances, and refuses a malformed header', async () => {
      viewA.state = 'REBALANCING';
      viewA.standbyLag = 0;
      try {
        expect((await get(a, 'NORTH')).statusCode).toBe(503);
        const stale = await get(a, 'NORTH', { [ACCEPT_STALE_HEADER]: '0' });
        expect(stale.statusCode).toBe(200);
        expect(stale.headers[STORE_LAG_HEADER]).toBe('0');
        const bad = await get(a, 'NORTH', { [ACCEPT_STALE_HEADER]: 'lots' });
        expect(bad.statusCode).toBe(400);
        expect(bad.json()).toMatchObject({ code: 'API_ERR_VALIDATION' });
      } finally {
        reset();
      }
    });
  });
});
