import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isAlive,
  isOurs,
  pidsWithMarker,
  spawnDetached,
  stopProcessGroup,
} from '../../../stack/processes.js';
import { waitFor } from '../../support/wait-for.js';

describe('background processes of the stack', () => {
  it('finds a detached process by its marker and stops its whole process group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-processes-'));
    const marker = `-Dtstreams.stack=${dir}`;
    // The shell starts a child (sleep) in the same group: stopping the group must end both.
    const pid = spawnDetached({
      executable: 'sh',
      args: ['-c', 'echo started; sleep 60 & wait', marker],
      cwd: dir,
      outputFile: join(dir, 'output.log'),
    });
    expect(isAlive(pid)).toBe(true);
    // Between fork and exec the shell's child still carries the shell's arguments; once `sleep` runs,
    // only the shell matches.
    const found = await waitFor(async () => {
      const pids = await pidsWithMarker(marker);
      return pids.length === 1 ? pids : undefined;
    });
    expect(found).toEqual([pid]);
    expect(await isOurs(pid, marker)).toBe(true);
    expect(await isOurs(pid, '-Dtstreams.stack=/somewhere/else')).toBe(false);

    expect(await stopProcessGroup(pid, 5_000)).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(await pidsWithMarker(marker)).toEqual([]);
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toContain('started');
  });
});
