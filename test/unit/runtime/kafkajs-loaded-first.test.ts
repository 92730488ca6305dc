import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('an application that loaded kafkajs before the library', () => {
  it('is refused exactly-once and read_committed reads with a coded error, and runs at-least-once', async () => {
    // A process of its own: in this one the test setup loaded the library's kafkajs adapter first.
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/unit/runtime/apps/kafkajs-loaded-first.ts'],
      {
        timeout: 60_000,
      },
    );
    expect(stdout.trim().split('\n')).toEqual([
      'exactly_once STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE',
      'at_least_once STRM_ERR_KAFKA_UNREACHABLE',
      'read_committed STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE',
    ]);
  }, 90_000);
});
