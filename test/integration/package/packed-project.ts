import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository's root, whose package.json describes the library. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A project outside the repository that installed the library from its packed tarball. */
export interface PackedProject {
  readonly dir: string;
  readonly tarball: string;
  /** Runs a command in the project; rejects with its output when it exits non-zero. */
  exec(command: string, args: ReadonlyArray<string>): Promise<{ stdout: string; stderr: string }>;
  /** Copies a file of the repository (an example, a fixture) into the project; returns its new path. */
  copyIn(repoPath: string): Promise<string>;
}

/**
 * Packs the library as `npm pack` does for a release (its `prepack` builds `dist/`), then creates a new
 * project in a temporary folder outside the repository that depends on the tarball, as a user's would, with
 * `@types/node` for TypeScript. `npm install` prefers the local npm cache, so it does not wait on the
 * registry for packages it already has.
 */
export async function packedProject(): Promise<PackedProject> {
  const dir = await mkdtemp(join(tmpdir(), 'tstreams-packed-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  // npm prints the prepack build's output before the JSON report.
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>;
  const tarball = join(dir, basename(report[0]!.filename));
  const library = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const manifest = {
    name: 'tstreams-user',
    private: true,
    type: 'module',
    dependencies: { tstreams: `file:${tarball}` },
    devDependencies: { '@types/node': library.devDependencies['@types/node'] },
    // The RocksDB binding's install script only picks its prebuilt binary; npm asks before running it.
    allowScripts: { '@nxtedition/rocksdb': true },
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const exec = (command: string, args: ReadonlyArray<string>) =>
    run(command, [...args], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  return {
    dir,
    tarball,
    exec,
    async copyIn(repoPath) {
      const target = join(dir, basename(repoPath));
      await copyFile(join(REPO_ROOT, repoPath), target);
      return target;
    },
  };
}

/** A program started with plain `node`, its output collected line by line. */
export interface NodeProgram {
  readonly lines: string[];
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  stop(): void;
}

/** Starts `node <script>` in `cwd` with extra environment variables. */
export function startNode(cwd: string, script: string, env: Record<string, string>): NodeProgram {
  const child = spawn(process.execPath, [script], { cwd, env: { ...process.env, ...env } });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { lines, exited, stop: () => child.kill('SIGTERM') };
}
