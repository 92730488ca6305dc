import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { StackError } from './errors.js';

/** The plugin that copies artifacts out of the Maven repository; pinned so the layout never drifts. */
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** How a Maven run reports itself. */
export interface MavenRun {
  /** Arguments after `mvn -B`. */
  readonly args: string[];
  readonly cwd: string;
  /** Maven's full output goes here; the error message points at it. */
  readonly logFile: string;
  /** What is being fetched, for progress lines and errors, e.g. `Apache Kafka 4.4.0 jars`. */
  readonly label: string;
  /**
   * A folder of the local Maven repository whose growing files show the progress of one large download
   * (Maven in batch mode only reports a file once it is complete).
   */
  readonly watchRepositoryPath?: string;
  readonly log: (line: string) => void;
}

/** Locates `mvn`: `MAVEN_HOME`/`M2_HOME` first, else the PATH. */
export function mavenExecutable(): string {
  for (const variable of ['MAVEN_HOME', 'M2_HOME']) {
    const home = process.env[variable];
    if (home && existsSync(join(home, 'bin', 'mvn'))) return join(home, 'bin', 'mvn');
  }
  return 'mvn';
}

/**
 * Runs Maven in batch mode, writing its output to `logFile` and printing a progress line every few
 * seconds while artifacts download (the first start fetches about 200 MB from Maven Central).
 *
 * @throws StackError `STRM_ERR_STACK_MAVEN_NOT_FOUND` when `mvn` is missing, or
 *   `STRM_ERR_STACK_DOWNLOAD_FAILED` naming the log file when Maven fails.
 */
export function runMaven(options: MavenRun): Promise<void> {
  // One Maven at a time: Maven 3.8 does not lock its local repository, and the Kafka and Apicurio fetches
  // both download the dependency plugin on a fresh machine.
  const next = mavenQueue.then(() => runMavenNow(options));
  mavenQueue = next.catch(() => undefined);
  return next;
}

let mavenQueue: Promise<void> = Promise.resolve();

async function runMavenNow(options: MavenRun): Promise<void> {
  await mkdir(dirname(options.logFile), { recursive: true });
  const logStream = createWriteStream(options.logFile);
  const executable = mavenExecutable();
  const child = spawn(executable, ['-B', '-Dstyle.color=never', ...options.args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let downloadedFiles = 0;
  let downloadedBytes = 0;
  let partialLine = '';
  const onOutput = (chunk: Buffer) => {
    logStream.write(chunk);
    // A chunk may end mid-line; keep the rest for the next one.
    const lines = (partialLine + chunk.toString('utf8')).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      // e.g. `[INFO] Downloaded from central: https://.../kafka_2.13-4.4.0.jar (6.6 MB at 12 MB/s)`
      const done = /Downloaded from [^:]+: \S+ \(([\d.]+) (B|kB|MB|GB)/.exec(line);
      if (done) {
        downloadedFiles += 1;
        downloadedBytes += Number(done[1]) * UNIT_BYTES[done[2] as keyof typeof UNIT_BYTES];
      }
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const started = Date.now();
  let lastReport = '';
  const ticker = setInterval(() => {
    const inFlight = options.watchRepositoryPath ? partialDownloadBytes(options.watchRepositoryPath) : 0;
    const total = downloadedBytes + inFlight;
    if (total === 0) return;
    const report = `  ${options.label}: ${downloadedFiles} files, ${formatMegabytes(total)} downloaded`;
    if (report !== lastReport) {
      options.log(`${report} (${Math.round((Date.now() - started) / 1000)} s)`);
      lastReport = report;
    }
  }, 3000);
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (exitCode !== 0) {
      throw new StackError(
        'STRM_ERR_STACK_DOWNLOAD_FAILED',
        `Maven could not fetch ${options.label} (exit code ${exitCode}); see ${options.logFile}. ` +
          'Check the network access to Maven Central (or your mirror in ~/.m2/settings.xml) and run again.',
        { retriable: true },
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StackError(
        'STRM_ERR_STACK_MAVEN_NOT_FOUND',
        `Maven (mvn) is needed to fetch ${options.label} and was not found on the PATH or in MAVEN_HOME. ` +
          'Install Apache Maven 3.6+ (e.g. `apt-get install maven`) and run again.',
      );
    }
    throw error;
  } finally {
    clearInterval(ticker);
    await new Promise((resolve) => logStream.end(resolve));
  }
  if (downloadedFiles > 0) {
    options.log(
      `  ${options.label}: ${downloadedFiles} files, ${formatMegabytes(downloadedBytes)} downloaded`,
    );
  }
}

const UNIT_BYTES = { B: 1, kB: 1024, MB: 1024 * 1024, GB: 1024 * 1024 * 1024 } as const;

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Bytes of unfinished downloads (Maven's temporary files) in a folder of the local repository. */
function partialDownloadBytes(repositoryPath: string): number {
  // MAVEN_OPTS may move the local repository (-Dmaven.repo.local=...); settings.xml overrides are not read.
  const moved = /-Dmaven\.repo\.local=(\S+)/.exec(process.env.MAVEN_OPTS ?? '')?.[1];
  const folder = join(moved ?? join(homedir(), '.m2', 'repository'), repositoryPath);
  if (!existsSync(folder)) return 0;
  let bytes = 0;
  for (const entry of readdirSync(folder)) {
    if (entry.endsWith('.part') || entry.endsWith('.tmp') || entry.includes('.part-')) {
      try {
        bytes += statSync(join(folder, entry)).size;
      } catch {
        // The temporary file was renamed between the listing and the stat: the download just finished.
      }
    }
  }
  return bytes;
}
