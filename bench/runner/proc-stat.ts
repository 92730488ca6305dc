/**
 * CPU and memory of a process from `/proc/<pid>/stat` (Linux): user + system time in clock ticks and the
 * resident set size in pages. The kernel's tick is 100 Hz and pages are 4 KiB on the machines this runs
 * on (x86-64 Linux); both are what `getconf CLK_TCK` and `getconf PAGESIZE` print there.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** One reading of a process. */
export interface ProcReading {
  /** CPU seconds used so far (user + system). */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** Reads `/proc/<pid>/stat`; `undefined` when the process is gone. */
export function readProcStat(pid: number): ProcReading | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime 15, rss 24.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rss = Number(fields[21]);
  return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rss * PAGE_BYTES };
}
