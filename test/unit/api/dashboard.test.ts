import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../api/dashboard/dashboard-pages.js';
import { DashboardSessions, SESSION_COOKIE, sessionIdOf } from '../../../api/dashboard/dashboard-sessions.js';
import { LiveStream } from '../../../api/dashboard/live-stream.js';
import { PipelineView } from '../../../api/dashboard/pipeline-view.js';
import type { DeadLetterService, ReplaySelection } from '../../../api/dlq/dead-letters.js';
import { DecisionWaiters } from '../../../api/reservations/decision-waiters.js';
import { loadPropertyCatalog } from '../../../processors/domain/reference-data-loader.js';
import type { KafkaAdmin } from '../../../topology/internal/kafka/admin.js';
import { testApp } from './test-app.js';

/** A pipeline view over a fake admin: the group committed 5 of 9 on partition 0 and nothing on 1. */
function fakePipeline(): PipelineView {
  const admin: Pick<KafkaAdmin, 'groupCommittedOffsets' | 'watermarks'> = {
    groupCommittedOffsets: async () => [
      { topic: 'in', partition: 0, offset: 5 },
      { topic: 'in', partition: 1, offset: -1 },
    ],
    watermarks: async () => [
      { partition: 0, high: 9, low: 0 },
      { partition: 1, high: 3, low: 0 },
    ],
  };
  return new PipelineView({
    self: 'me:1',
    admin: admin as never,
    groupId: 'app',
    streams: {
      state: 'RUNNING',
      allMetadata: () => [{ server: 'me:1', taskIds: ['0_1', '0_0'], standbyTaskIds: [] }],
    },
  });
}

async function dashboardApp() {
  const replays: Array<{ topic: string; selection: ReplaySelection; by: string }> = [];
  const dlq: DeadLetterService = {
    list: async () => [],
    replay: async (topic, selection, by) => {
      replays.push({ topic, selection, by });
      return { replayed: [{ partition: 0, offset: '3', targetTopic: 'src' }], skipped: [] };
    },
  };
  const t = await testApp({
    dlq,
    dashboard: ({ apiKeys }) => ({
      apiKeys,
      catalog: loadPropertyCatalog(),
      pipeline: fakePipeline(),
      dlqTopics: async () => [{ topic: 'src.dlq', records: 1 }],
      topologyMermaid: 'flowchart TD\n  a["<script>"] --> b',
    }),
  });
  const logIn = (key: string) =>
    t.app.inject({
      method: 'POST',
      url: '/dashboard/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ key }).toString(),
    });
  return { t, replays, logIn };
}

describe('operator dashboard: login and session', () => {
  it('shows the login form without a session, with a same-origin-only content security policy', async () => {
    const { t } = await dashboardApp();
    const page = await t.app.inject({ method: 'GET', url: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="key">Operator API key</label>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    await t.app.close();
  });

  it('refuses a booking key (403) and an unknown key (401) without opening a session', async () => {
    const { t, logIn } = await dashboardApp();
    const booking = await logIn(t.bookingKey);
    expect(booking.statusCode).toBe(403);
    expect(booking.body).toContain('the dashboard needs an operator key');
    expect(booking.headers['set-cookie']).toBeUndefined();
    const unknown = await logIn('sk_nobody');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    await t.app.close();
  });

  it('trades an operator key for an HttpOnly SameSite=Strict cookie that does not hold the key', async () => {
    const { t, logIn } = await dashboardApp();
    const login = await logIn(t.operatorKey);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/dashboard');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; `));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/dashboard');
    expect(cookie).not.toContain(t.operatorKey);

    const page = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie } });
    expect(page.body).toContain('Signed in as <strong>operator-test</strong>');
    expect(page.body).toContain('<option value="LIS-ALFAMA">');
    // The topology text is escaped, never markup.
    expect(page.body).toContain('a[&quot;&lt;script&gt;&quot;]');
    expect(page.body).not.toContain(t.operatorKey);

    const logout = await t.app.inject({ method: 'POST', url: '/dashboard/logout', headers: { cookie } });
    expect(String(logout.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie } });
    expect(after.body).toContain('Operator API key');
    await t.app.close();
  });

  it('replays a dead letter through the DLQ route, recorded under the operator key name', async () => {
    const { t, replays, logIn } = await dashboardApp();
    const body = { topic: 'src.dlq', partition: 0, offset: '3' };
    const refused = await t.app.inject({ method: 'POST', url: '/dashboard/dlq/replay', payload: body });
    expect(refused.statusCode).toBe(401);
    const cookie = String((await logIn(t.operatorKey)).headers['set-cookie']).split(';')[0]!;
    const replay = await t.app.inject({
      method: 'POST',
      url: '/dashboard/dlq/replay',
      headers: { cookie },
      payload: body,
    });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({
      replayed: [{ partition: 0, offset: '3', targetTopic: 'src' }],
      skipped: [],
    });
    expect(replays).toEqual([
      { topic: 'src.dlq', selection: { records: [{ partition: 0, offset: '3' }] }, by: 'operator-test' },
    ]);
    await t.app.close();
  });

  it('refuses the event stream without a session', async () => {
    const { t } = await dashboardApp();
    expect((await t.app.inject({ method: 'GET', url: '/dashboard/events' })).statusCode).toBe(401);
    await t.app.close();
  });
});

describe('dashboard event stream over HTTP', () => {
  it('stays open, pushes the pipeline every second, and stops reading when the browser goes away, and ends at log-out', async () => {
    let reads = 0;
    const t = await testApp({
      dashboard: ({ apiKeys }) => ({
        apiKeys,
        catalog: loadPropertyCatalog(),
        // A different state on every read, so every read is sent.
        pipeline: {
          read: async () => ({ instance: 'me', state: `S${reads++}`, placement: [], lag: [] }),
        } as unknown as PipelineView,
        dlqTopics: async () => [],
      }),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const login = await fetch(`${base}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: t.operatorKey }).toString(),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const response = await fetch(`${base}/dashboard/events?property=LIS-ALFAMA`, { headers: { cookie } });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    let text = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(text.split('event: pipeline').length - 1).toBeGreaterThanOrEqual(2);
    expect(text).toContain('event: occupancy');
    await reader.cancel();
    await pump;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = reads;
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(reads).toBe(after);

    // Logging out (from another tab) ends the session's open streams: the server ends the response.
    const second = await fetch(`${base}/dashboard/events?property=LIS-ALFAMA`, { headers: { cookie } });
    const ended = second.text();
    await fetch(`${base}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie } });
    expect(await ended).toContain('event: pipeline');
    await t.app.close();
  });
});

describe('dashboard sessions', () => {
  it('expire after the idle time and are extended by use', () => {
    const clock = { now: 0 };
    const sessions = new DashboardSessions({ idleMs: 100, now: () => clock.now });
    const id = sessions.open('sk_x', 'ops');
    clock.now = 90;
    expect(sessions.find(id)?.name).toBe('ops');
    clock.now = 180;
    expect(sessions.find(id)?.apiKey).toBe('sk_x');
    clock.now = 281;
    expect(sessions.find(id)).toBeUndefined();
    expect(sessions.find(undefined)).toBeUndefined();
  });

  it('reads the session id from a Cookie header among others', () => {
    expect(sessionIdOf(`a=1; ${SESSION_COOKIE}=abc; b=2`)).toBe('abc');
    expect(sessionIdOf('a=1')).toBeUndefined();
    expect(sessionIdOf(undefined)).toBeUndefined();
  });

  it('escapes text for HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('pipeline view', () => {
  it('reports the thread state, sorted placement and the lag per partition from committed offsets', async () => {
    expect(await fakePipeline().read()).toEqual({
      instance: 'me:1',
      state: 'RUNNING',
      placement: [{ server: 'me:1', activeTasks: ['0_0', '0_1'], standbyTasks: [] }],
      lag: [
        { topic: 'in', partition: 0, lag: 4 },
        { topic: 'in', partition: 1, lag: 3 },
      ],
    });
  });
});

describe('live stream', () => {
  it('sends a panel only when it changed, and re-reads the property panels when told', async () => {
    const written: string[] = [];
    const out = {
      writableEnded: false,
      writeHead: () => undefined,
      write: (chunk: string) => written.push(chunk),
      end() {
        this.writableEnded = true;
      },
    };
    let reserved = 0;
    const live = new LiveStream(out as never, {
      occupancy: async () => ({
        propertyId: 'P',
        dates: ['2026-01-01'],
        rows: [{ roomType: 'STD', nights: [[reserved, 5]] }],
      }),
      rates: async () => ({ propertyId: 'P', dates: [], currency: 'EUR', rows: [] }),
      kpis: async () => ({ propertyId: 'P', windows: [] }),
      pipeline: async () => ({ instance: 'me', state: 'RUNNING', placement: [], lag: [] }),
      dlq: async () => ({ topics: [] }),
    });
    const events = () => written.filter((w) => w.startsWith('event: ')).map((w) => w.split('\n')[0]);
    live.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events().sort()).toEqual([
      'event: dlq',
      'event: kpis',
      'event: occupancy',
      'event: pipeline',
      'event: rates',
    ]);
    written.length = 0;
    live.propertyChanged();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events()).toEqual([]);
    reserved = 1;
    live.propertyChanged();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events()).toEqual(['event: occupancy']);
    expect(written.join('')).toContain('"nights":[[1,5]]');
    live.close();
    expect(out.writableEnded).toBe(true);
  });
});

describe('decision listeners', () => {
  it('hear every decision, waited for or not, until they unsubscribe', async () => {
    const waiters = new DecisionWaiters();
    const heard: string[] = [];
    const unsubscribe = waiters.onDecision((n) => heard.push(n));
    const waiting = waiters.wait('RSV-1', 1_000);
    waiters.decide('RSV-1', { status: 'CONFIRMED', detail: null });
    waiters.decide('RSV-2', { status: 'REJECTED', detail: 'sold out' });
    expect(await waiting).toEqual({ status: 'CONFIRMED', detail: null });
    unsubscribe();
    waiters.decide('RSV-3', { status: 'CONFIRMED', detail: null });
    expect(heard).toEqual(['RSV-1', 'RSV-2']);
  });
});
