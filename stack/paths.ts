import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the stack keeps things. Everything is relative to the checkout, so two clones of the project run
 * two independent stacks: downloads are cached under `.cache/` and the running stack (configs, data,
 * logs, state file) lives under `.stack/`; both are git-ignored.
 */
export interface StackPaths {
  /** The project root (the folder holding package.json). */
  readonly root: string;
  /** Downloaded, unpacked artifacts (Kafka jars, Apicurio); survives `stop`. */
  readonly cache: string;
  /** The running stack: per-service folders with configs, data and logs, plus `state.json`. */
  readonly run: string;
  /** The state file that `status`, `stop` and a second `start` read. */
  readonly stateFile: string;
}

/** The paths of the stack of this checkout (or of `root` when given, for tests of the stack itself). */
export function stackPaths(root: string = defaultRoot()): StackPaths {
  const run = join(root, '.stack');
  return { root, cache: join(root, '.cache'), run, stateFile: join(run, 'state.json') };
}

function defaultRoot(): string {
  // This file is <root>/stack/paths.ts; tsx and vitest both run it from source.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/**
 * The JVM argument that tags every process of a checkout's stack, so `stop` finds them (and only them)
 * even when the state file is gone or a recorded pid was reused by another program.
 */
export function markerOf(paths: StackPaths): string {
  return `-Dtstreams.stack=${paths.run}`;
}

/** The marker prefix of the private clusters tests start under this checkout (see `startKafkaCluster`). */
export function privateMarkerPrefix(paths: StackPaths): string {
  return `-Dtstreams.stack=${paths.run}/private/`;
}
