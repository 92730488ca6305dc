/**
 * Starts a stream thread's worker on `stream-thread-worker`: the compiled `.js` file, or, run from the
 * TypeScript sources (tests, `tsx`) or with a `.ts` topology module, through `tsx`. The worker registers
 * tsx's loader itself (`tsx/esm/api`) before it imports its script: on Node 20.20 a `--import tsx` in the
 * worker's `execArgv` was not always applied (a plain `node --import tsx app.ts` failed with "Unknown file
 * extension .ts"; under the `tsx` CLI, vitest and the bench's forked children it worked; cause not found),
 * and Node refuses V8 flags such as `--max-old-space-size` there.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RuntimeError } from './errors.js';
import type { StreamThreadWorkerData } from './stream-thread-messages.js';

/** A new worker running one stream thread with `data`. */
export function startStreamThreadWorker(data: StreamThreadWorkerData, name: string): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const script = new URL(`./stream-thread-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  const options = { workerData: data, name };
  const typescript = fromSources || /\.[mc]?ts(\?.*)?$/.test(data.topologyModule);
  if (!typescript) return new Worker(script, options);
  const code =
    `import { register } from ${JSON.stringify(tsxApi())}; register(); ` +
    `await import(${JSON.stringify(script.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), options);
}

/** The `file:` URL of tsx's ESM API (a data: URL cannot resolve a package name). */
function tsxApi(): string {
  try {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
    const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports as Record<
      string,
      { import: { default: string } }
    >;
    return pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href;
  } catch (error) {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
      'a TypeScript topology module (or the library run from its sources) needs tsx in a stream thread: ' +
        'install tsx, or point topologyModule at compiled JavaScript',
      { cause: error },
    );
  }
}
