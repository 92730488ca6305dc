import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { KafkaClusterState } from './kafka.js';
import type { StackPaths } from './paths.js';
import type { RegistryState } from './registry.js';

/**
 * What the stack of a checkout is running, kept in `.stack/state.json` so that `status`, `stop` and a
 * second `start` (or a second test run) find it. Only services we started are recorded; services given
 * by `KAFKA_BROKERS` / `SCHEMA_REGISTRY_URL` are read from the environment every time.
 */
export interface StackState {
  readonly version: 1;
  /** `cli`: started by a person, kept until `stack:stop`. `test`: the last test run using it stops it. */
  owner: 'cli' | 'test';
  /** Pids of test runs currently using the stack (see `acquireStack`). */
  leases: number[];
  kafka?: KafkaClusterState;
  registry?: RegistryState;
}

/** Reads the state file, or undefined when no stack was started (or the file is unreadable). */
export async function readState(paths: StackPaths): Promise<StackState | undefined> {
  if (!existsSync(paths.stateFile)) return undefined;
  try {
    const state = JSON.parse(await readFile(paths.stateFile, 'utf8')) as StackState;
    return state.version === 1 ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the state file atomically (a reader never sees half of it). */
export async function writeState(paths: StackPaths, state: StackState): Promise<void> {
  const temporary = `${paths.stateFile}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, paths.stateFile);
}

/** Removes the state file once nothing of ours runs. */
export async function clearState(paths: StackPaths): Promise<void> {
  await rm(paths.stateFile, { force: true });
}
