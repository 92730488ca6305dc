/**
 * The checkpoint file of a task (`stateDir/<applicationId>/<taskId>/.checkpoint`): for each store, the
 * changelog partition and the offset of the last changelog record its local state contains. Written
 * atomically (temporary file, fsync, rename, fsync of the directory) at a clean commit or close, so a
 * restart restores only the changelog's tail. A reader never sees half a file: it sees the old one, the
 * new one, or none.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StateStoreError } from '../errors.js';

/** The file name inside a task directory. */
export const CHECKPOINT_FILE = '.checkpoint';
const FORMAT_VERSION = 1;

/** One store's position in its changelog. */
export interface CheckpointEntry {
  readonly store: string;
  /** The changelog topic, `<applicationId>-<store>-changelog`. */
  readonly topic: string;
  readonly partition: number;
  /** Offset of the last changelog record applied to the store: restoration resumes at `offset + 1`. */
  readonly offset: number;
}

/** What a task directory's checkpoint file holds. */
export interface Checkpoint {
  /** `missing`: no file; `corrupt`: unreadable (treated as missing, and reported); `ok`: `entries` is valid. */
  readonly status: 'ok' | 'missing' | 'corrupt';
  readonly entries: ReadonlyArray<CheckpointEntry>;
}

/** The offset restoration of a checkpointed store starts at. */
export function restoreStartOffset(entry: CheckpointEntry): number {
  return entry.offset + 1;
}

/** Writes the checkpoint of the task in `taskDirectory`, replacing the previous one atomically. */
export async function writeCheckpoint(
  taskDirectory: string,
  entries: ReadonlyArray<CheckpointEntry>,
): Promise<void> {
  const target = join(taskDirectory, CHECKPOINT_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  const body = `${JSON.stringify({ version: FORMAT_VERSION, entries }, null, 2)}\n`;
  try {
    await mkdir(taskDirectory, { recursive: true });
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
    await syncDirectory(taskDirectory);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new StateStoreError(
      'STRM_ERR_STORE_CHECKPOINT',
      `Could not write checkpoint ${target}: ${(error as Error).message}; check that the state directory is writable and not full`,
      { cause: error, retriable: true },
    );
  }
}

/** Reads the checkpoint of the task in `taskDirectory`; a missing or corrupt file yields no entries. */
export async function readCheckpoint(taskDirectory: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(join(taskDirectory, CHECKPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', entries: [] };
    throw error;
  }
  const entries = parse(text);
  return entries === undefined ? { status: 'corrupt', entries: [] } : { status: 'ok', entries };
}

/**
 * Deletes the checkpoint. Under exactly-once the runtime does this once it starts processing after a
 * restore, so that a crash (which leaves stores ahead of the committed changelog) forces a full restore
 * instead of trusting local files that may hold uncommitted writes.
 */
export async function deleteCheckpoint(taskDirectory: string): Promise<void> {
  await rm(join(taskDirectory, CHECKPOINT_FILE), { force: true });
  await syncDirectory(taskDirectory).catch(() => undefined);
}

function parse(text: string): CheckpointEntry[] | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { version, entries } = (document ?? {}) as { version?: unknown; entries?: unknown };
  if (version !== FORMAT_VERSION || !Array.isArray(entries)) return undefined;
  const valid = entries.every(
    (entry: Partial<CheckpointEntry> | null) =>
      typeof entry?.store === 'string' &&
      typeof entry.topic === 'string' &&
      Number.isInteger(entry.partition) &&
      Number.isInteger(entry.offset),
  );
  return valid ? (entries as CheckpointEntry[]) : undefined;
}

/** Makes a rename in `directory` durable. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
