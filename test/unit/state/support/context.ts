/** A StoreContext for tests: a temp state directory and a changelog sink that records what it is sent. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskCache } from '../../../../state/cache/task-cache.js';
import type { ChangelogSink, StoreContext } from '../../../../state/store.js';

/** One record sent to the changelog. */
export interface SentRecord {
  readonly store: string;
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** A recording changelog and a settable record timestamp. */
export interface TestContext extends StoreContext {
  readonly sent: SentRecord[];
  timestamp: number;
}

/**
 * A context over `stateDir` for task `taskId` of application `app`; `recordCache`, when given, is the
 * task's share of a record cache, as the runtime hands it to caching stores.
 */
export function testContext(stateDir: string, taskId = '0_0', recordCache?: TaskCache): TestContext {
  const sent: SentRecord[] = [];
  const changelog: ChangelogSink = {
    send(store, key, value, timestamp) {
      sent.push({
        store,
        key: Buffer.from(key),
        value: value === null ? null : Buffer.from(value),
        timestamp,
      });
    },
  };
  const context: TestContext = {
    applicationId: 'app',
    taskId,
    partition: Number(taskId.split('_')[1] ?? 0),
    stateDir,
    changelog,
    sent,
    timestamp: 0,
    currentTimestamp: () => context.timestamp,
    ...(recordCache === undefined ? {} : { recordCache }),
  };
  return context;
}

/** A fresh temp directory and its cleanup. */
export async function tempStateDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'strm-state-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
