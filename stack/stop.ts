import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StackError } from './errors.js';
import { withLock } from './lock.js';
import { markerOf, privateMarkerPrefix, type StackPaths, stackPaths } from './paths.js';
import { isOurs, pidsWithMarker, stopProcessGroup } from './processes.js';
import { clearState, readState, type StackState } from './state.js';

/** Options of {@link stopStack}. */
export interface StopOptions {
  readonly log?: (line: string) => void;
  readonly paths?: StackPaths;
}

/**
 * Stops every process of this checkout's stack (recorded in the state file, or found by the marker on
 * their command line), and any private cluster a test left behind, and verifies that no Java process of ours is left. Data and logs stay in `.stack/`
 * until the next start. Resolves with the pids that were stopped.
 *
 * @throws StackError `STRM_ERR_STACK_STOP_FAILED` naming the pids that survived SIGKILL.
 */
export async function stopStack(options: StopOptions = {}): Promise<number[]> {
  const paths = options.paths ?? stackPaths();
  const log = options.log ?? console.log;
  await mkdir(paths.run, { recursive: true });
  return withLock(join(paths.run, 'lock'), async () => {
    const state = (await readState(paths)) ?? { version: 1, owner: 'cli', leases: [] };
    const stopped = await stopServices(paths, state, log);
    // Private clusters left by a test that crashed before closing its own.
    const prefix = privateMarkerPrefix(paths);
    const leftovers = await pidsWithMarker(prefix, { prefix: true });
    if (leftovers.length > 0)
      log(`Stopping ${leftovers.length} process(es) of private test clusters: ${leftovers.join(', ')}`);
    await Promise.all(leftovers.map((pid) => stopProcessGroup(pid)));
    const survivors = await pidsWithMarker(prefix, { prefix: true });
    if (survivors.length > 0) {
      throw new StackError(
        'STRM_ERR_STACK_STOP_FAILED',
        `Processes ${survivors.join(', ')} of private test clusters survived SIGKILL; end them by hand (kill -9 <pid>).`,
      );
    }
    return [...stopped, ...leftovers];
  });
}

/**
 * Stops the services recorded in `state` (the caller holds the lock). Unless `keepState` is set (one
 * service is being replaced while the others run), it then sweeps for any JVM carrying our marker, checks
 * that none is left and removes the state file.
 */
export async function stopServices(
  paths: StackPaths,
  state: StackState,
  log: (line: string) => void,
  options: { keepState?: boolean } = {},
): Promise<number[]> {
  const marker = markerOf(paths);
  const recorded = [...(state.kafka?.nodes.map((node) => node.pid) ?? []), state.registry?.pid ?? 0];
  const ours: number[] = [];
  for (const pid of recorded) if (await isOurs(pid, marker)) ours.push(pid);
  if (!options.keepState) {
    for (const pid of await pidsWithMarker(marker)) if (!ours.includes(pid)) ours.push(pid);
  }
  if (ours.length > 0) log(`Stopping ${ours.length} process(es) of the stack: ${ours.join(', ')}`);
  await Promise.all(ours.map((pid) => stopProcessGroup(pid)));
  if (options.keepState) return ours;
  const survivors = await pidsWithMarker(marker);
  if (survivors.length > 0) {
    throw new StackError(
      'STRM_ERR_STACK_STOP_FAILED',
      `Processes ${survivors.join(', ')} of the stack survived SIGKILL; end them by hand (kill -9 <pid>).`,
    );
  }
  await clearState(paths);
  return ours;
}
