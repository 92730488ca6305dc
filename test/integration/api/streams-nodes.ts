/**
 * Instances of one reservation application that run the streams and listen on ports of their own, for the
 * integration tests that need several owners of the partitions (interactive queries, failover, system of
 * record): {@link startNode} and {@link settled}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartApiOptions } from '../../../api/start-api.js';
import { uniqueName, waitFor } from '../../support/index.js';
import { startPeerInstance, startTestInstance, type TestInstance } from './api-instance.js';
import { freePort } from './api-process.js';

export { freePort };

/** A running instance that listens on its own port. */
export interface Node {
  readonly t: TestInstance;
  /** Its advertised `host:port`. */
  readonly server: string;
  close(): Promise<void>;
}

/** How {@link startNode} starts an instance. */
export interface NodeOptions {
  /** Variables on top of the node's defaults. */
  readonly env?: Record<string, string>;
  /** Options of `startApi` (e.g. a skewed clock). */
  readonly api?: Omit<StartApiOptions, 'registry'>;
  /** Prefix of the application id of a first node (default `it-iq`). */
  readonly name?: string;
}

/**
 * Starts an instance with the streams on, listening on a free port; joins `first`'s application when
 * given, else starts a new application (with the payment worker on).
 */
export async function startNode(first?: TestInstance, options: NodeOptions = {}): Promise<Node> {
  const port = await freePort();
  const server = `127.0.0.1:${port}`;
  // Instances of one application in one process need state directories of their own (same task ids).
  const stateDir = await mkdtemp(join(tmpdir(), 'it-iq-'));
  const env = {
    HOST: '127.0.0.1',
    PORT: String(port),
    ADVERTISED_SERVER: server,
    STATE_DIR: stateDir,
    RUN_STREAMS: 'true',
    WAIT_TIMEOUT_MS: '30000',
    // The tests poll reads as fast as they can; the per-key limit is tested elsewhere.
    RATE_LIMIT_MAX: '1000000',
    ...options.env,
  };
  const t =
    first === undefined
      ? await startTestInstance(
          { APPLICATION_ID: uniqueName(options.name ?? 'it-iq'), RUN_PAYMENT_WORKER: 'true', ...env },
          options.api,
        )
      : await startPeerInstance(first, env, options.api);
  await t.api.app.listen({ host: '127.0.0.1', port });
  return {
    t,
    server,
    close: async () => {
      await t.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every node RUNNING with the same view of who runs which task, and every task on one of `owners`
 * (default: the nodes). With two partitions, a third member may get no task at all (sticky assignment).
 */
export async function settled(nodes: readonly Node[], description: string, owners = nodes): Promise<void> {
  const allowed = new Set(owners.map((n) => n.server));
  let last = '';
  await waitFor(
    () => {
      const views = nodes.map((n) => {
        const streams = n.t.api.streams!;
        const known = streams
          .allMetadata()
          .filter((m) => m.taskIds.length > 0)
          .map((m) => ({ server: m.server, taskIds: [...m.taskIds].sort() }))
          .sort((x, y) => x.server.localeCompare(y.server));
        return { server: n.server, state: streams.state, known: JSON.stringify(known) };
      });
      last = JSON.stringify(views);
      const first = views[0]!.known;
      return views.every(
        (v) =>
          v.state === 'RUNNING' &&
          v.known === first &&
          first !== '[]' &&
          (JSON.parse(v.known) as Array<{ server: string }>).every((m) => allowed.has(m.server)),
      );
    },
    { description, timeoutMs: 60_000, intervalMs: 200 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last views: ${last}`);
  });
}
