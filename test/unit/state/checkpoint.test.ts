import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteCheckpoint,
  prepareTaskDirectory,
  readCheckpoint,
  restoreStartOffset,
  Stores,
  taskDirectory,
  writeCheckpoint,
} from '../../../state/index.js';
import { type TestContext, tempStateDir, testContext } from './support/context.js';
import { stringSerde } from './support/serdes.js';

describe('task checkpoint file', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempStateDir());
  });
  afterEach(() => cleanup());

  it('round-trips entries and leaves no temporary file behind', async () => {
    const task = join(dir, 'app', '0_1');
    const entries = [
      { store: 'counts', topic: 'app-counts-changelog', partition: 1, offset: 41 },
      { store: 'windows', topic: 'app-windows-changelog', partition: 1, offset: 7 },
    ];
    await writeCheckpoint(task, entries);
    expect(await readCheckpoint(task)).toEqual({ status: 'ok', entries });
    expect(await readdir(task)).toEqual(['.checkpoint']);
    expect(restoreStartOffset(entries[0]!)).toBe(42);
    await writeCheckpoint(task, [{ ...entries[0]!, offset: 99 }]);
    expect((await readCheckpoint(task)).entries).toEqual([{ ...entries[0], offset: 99 }]);
    expect(JSON.parse(await readFile(join(task, '.checkpoint'), 'utf8')).version).toBe(1);
  });

  it('reports a missing file and a corrupt one without trusting either', async () => {
    const task = join(dir, 'app', '0_0');
    expect(await readCheckpoint(task)).toEqual({ status: 'missing', entries: [] });
    await mkdir(task, { recursive: true });
    for (const garbage of [
      '{"version":1,"entries":[{"store":"x"',
      '{"version":2,"entries":[]}',
      'null',
      '{"version":1,"entries":[{"store":"s","topic":"t","partition":0,"offset":"7"}]}',
    ]) {
      await writeFile(join(task, '.checkpoint'), garbage);
      expect(await readCheckpoint(task)).toEqual({ status: 'corrupt', entries: [] });
    }
    await deleteCheckpoint(task);
    expect((await readCheckpoint(task)).status).toBe('missing');
  });
});

describe('task directory preparation and corrupt stores', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let context: TestContext;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempStateDir());
    context = testContext(dir, '0_2');
  });
  afterEach(() => cleanup());

  async function writeStore(name: string, entries: Record<string, string>): Promise<void> {
    const store = Stores.keyValueStoreBuilder(
      Stores.persistentKeyValueStore(name),
      stringSerde,
      stringSerde,
    ).build();
    await store.init(context);
    for (const [key, value] of Object.entries(entries)) store.put(key, value);
    await store.flush();
    await store.close();
  }

  it('keeps checkpointed stores and wipes the ones the checkpoint does not vouch for', async () => {
    await writeStore('kept', { a: '1' });
    await writeStore('unlisted', { b: '2' });
    const task = taskDirectory(context);
    await writeCheckpoint(task, [
      { store: 'kept', topic: 'app-kept-changelog', partition: 2, offset: 10 },
      { store: 'missing-dir', topic: 'app-missing-dir-changelog', partition: 2, offset: 3 },
    ]);
    const prepared = await prepareTaskDirectory(task, ['kept', 'unlisted', 'missing-dir']);
    expect([...prepared.trusted.keys()]).toEqual(['kept']);
    expect(prepared.restoreFromScratch).toEqual(['unlisted', 'missing-dir']);
    expect(prepared.checkpointCorrupt).toBe(false);
    expect((await readdir(task)).sort()).toEqual(['.checkpoint', 'kept']);

    const reopened = Stores.keyValueStoreBuilder(
      Stores.persistentKeyValueStore('unlisted'),
      stringSerde,
      stringSerde,
    ).build();
    await reopened.init(context);
    expect(reopened.get('b')).toBeUndefined();
    await reopened.close();
  });

  it('wipes a store whose RocksDB files are corrupt, tells the context, and opens it empty', async () => {
    await writeStore('damaged', { a: '1', b: '2' });
    const storeDir = join(taskDirectory(context), 'damaged');
    await writeFile(join(storeDir, 'CURRENT'), 'not a manifest name\n');
    const wiped: string[] = [];
    const store = Stores.keyValueStoreBuilder(
      Stores.persistentKeyValueStore('damaged'),
      stringSerde,
      stringSerde,
    ).build();
    await store.init({ ...context, onStoreWiped: (name, directory) => wiped.push(`${name}:${directory}`) });
    expect(wiped).toEqual([`damaged:${storeDir}`]);
    expect([...store.all()]).toEqual([]);
    store.put('c', '3');
    expect(store.get('c')).toBe('3');
    await store.close();
  });

  it('refuses to wipe a store directory that is still open, in this process or another', async () => {
    const open = Stores.keyValueStoreBuilder(
      Stores.persistentKeyValueStore('busy'),
      stringSerde,
      stringSerde,
    ).build();
    await open.init(context);
    open.put('a', '1');
    const task = taskDirectory(context);
    await expect(prepareTaskDirectory(task, ['busy'])).rejects.toMatchObject({
      code: 'STRM_ERR_STORE_TASK_DIR_LOCKED',
      retriable: true,
    });
    expect(open.get('a')).toBe('1');
    await open.close();
    const prepared = await prepareTaskDirectory(task, ['busy']);
    expect(prepared.restoreFromScratch).toEqual(['busy']);
    await expect(readFile(join(task, '.lock'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('treats a store directory without a manifest as incomplete even when checkpointed', async () => {
    const task = taskDirectory(context);
    await mkdir(join(task, 'half'), { recursive: true });
    await writeFile(join(task, 'half', '000004.log'), 'partial');
    await writeCheckpoint(task, [{ store: 'half', topic: 'app-half-changelog', partition: 2, offset: 5 }]);
    const prepared = await prepareTaskDirectory(task, ['half']);
    expect(prepared.trusted.size).toBe(0);
    expect(prepared.restoreFromScratch).toEqual(['half']);
  });
});
