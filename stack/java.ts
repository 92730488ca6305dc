import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './errors.js';

const run = promisify(execFile);

/** A Java runtime found on this machine. */
export interface JavaRuntime {
  /** Absolute path of the `java` executable (or `java` when it is only known to be on the PATH). */
  readonly executable: string;
  /** Feature release, e.g. 17, 21, 25. */
  readonly major: number;
}

/** Folders where operating systems and installers put JDKs; scanned when no variable names one. */
const JVM_FOLDERS = ['/usr/lib/jvm', '/usr/java', '/opt/java', '/Library/Java/JavaVirtualMachines'];

/**
 * Finds a Java runtime of at least `minMajor`. Looks at the JDK homes named by `homeVariables` (in order),
 * then `JAVA_HOME`, then `java` on the PATH, then the newest JDK in the usual system folders. Nothing is
 * hard-coded to one machine: Kafka 4 needs 17+, Apicurio 3.3 needs 21+, and each caller says so.
 *
 * @throws StackError `STRM_ERR_STACK_JAVA_NOT_FOUND` naming what was tried and how to point at a JDK.
 */
export async function findJava(
  minMajor: number,
  purpose: string,
  homeVariables: string[] = [],
): Promise<JavaRuntime> {
  const tried: string[] = [];
  const candidates: string[] = [];
  for (const variable of [...homeVariables, 'JAVA_HOME']) {
    const home = process.env[variable];
    if (home) candidates.push(join(home, 'bin', 'java'));
  }
  candidates.push('java');
  for (const candidate of candidates) {
    const major = await javaMajor(candidate);
    tried.push(`${candidate} (${major === undefined ? 'not runnable' : `Java ${major}`})`);
    if (major !== undefined && major >= minMajor) return { executable: candidate, major };
  }
  // Newest first, so a machine with 17 and 25 side by side runs the registry on 25.
  const scanned: JavaRuntime[] = [];
  for (const home of systemJdkHomes()) {
    const executable = join(home, 'bin', 'java');
    const major = await javaMajor(executable);
    tried.push(`${executable} (${major === undefined ? 'not runnable' : `Java ${major}`})`);
    if (major !== undefined) scanned.push({ executable, major });
  }
  const best = scanned.filter((java) => java.major >= minMajor).sort((a, b) => b.major - a.major)[0];
  if (best) return best;
  const variables = [...homeVariables, 'JAVA_HOME'].join(' or ');
  throw new StackError(
    'STRM_ERR_STACK_JAVA_NOT_FOUND',
    `${purpose} needs Java ${minMajor} or newer, and none was found. Tried: ${tried.join(', ')}. ` +
      `Install a JDK ${minMajor}+ (e.g. Temurin) or set ${variables} to its home folder.`,
  );
}

/** The feature release of a `java` executable, or undefined when it does not run. */
export async function javaMajor(executable: string): Promise<number | undefined> {
  try {
    // `java -version` prints to stderr, e.g. `openjdk version "17.0.15"` or `java version "1.8.0_402"`.
    const { stderr, stdout } = await run(executable, ['-version'], { timeout: 15_000 });
    return parseJavaVersion(`${stderr}${stdout}`);
  } catch {
    return undefined;
  }
}

/**
 * The feature release in the output of `java -version`: `openjdk version "25.0.1"` is 25,
 * `java version "1.8.0_402"` is 8; undefined when the text has no version.
 */
export function parseJavaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

function systemJdkHomes(): string[] {
  const homes: string[] = [];
  for (const folder of JVM_FOLDERS) {
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder)) {
      const home = join(folder, entry);
      // macOS bundles keep the home one level down.
      const macHome = join(home, 'Contents', 'Home');
      homes.push(existsSync(join(macHome, 'bin', 'java')) ? macHome : home);
    }
  }
  return homes.filter((home) => existsSync(join(home, 'bin', 'java')));
}
