import { createRequire } from 'node:module';
import { logLevel } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PASSING_CRASH_TEXTS, pinoLogCreator } from '../../../topology/internal/kafka/kafkajs/log-bridge.js';

/** The kafkajs log lines a pino logger at `debug` receives through the bridge, as [pino level, message]. */
function bridged(
  lines: Array<{ namespace: string; level: logLevel; message: string }>,
): Array<[number, string]> {
  const written: Array<[number, string]> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        const entry = JSON.parse(line) as { level: number; msg: string };
        written.push([entry.level, entry.msg]);
      },
    },
  );
  const log = pinoLogCreator(logger)(logLevel.DEBUG);
  for (const { namespace, level, message } of lines) {
    log({ namespace, level, label: '', log: { message, timestamp: '', logger: 'kafkajs' } });
  }
  return written;
}

const DEBUG = 20;
const WARN = 40;
const ERROR = 50;

describe('kafkajs log bridge', () => {
  it("demotes kafkajs' bounded-retries notice, said once per producer, and keeps other warnings", () => {
    expect(
      bridged([
        {
          namespace: 'Producer',
          level: logLevel.WARN,
          message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees',
        },
        { namespace: 'Producer', level: logLevel.WARN, message: 'something else worth a warning' },
        { namespace: 'Consumer', level: logLevel.ERROR, message: 'Crash: KafkaJSProtocolError: boom' },
        { namespace: 'Consumer', level: logLevel.INFO, message: 'Starting' },
      ]),
    ).toEqual([
      [DEBUG, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'],
      [WARN, 'something else worth a warning'],
      [ERROR, 'Crash: KafkaJSProtocolError: boom'],
      [DEBUG, 'Starting'],
    ]);
  });

  it('demotes the rebalance chatter every member says at an ordinary rebalance', () => {
    expect(
      bridged([
        { namespace: 'Runner', level: logLevel.WARN, message: 'The group is rebalancing, re-joining' },
        {
          namespace: 'Connection',
          level: logLevel.ERROR,
          message: 'Response Heartbeat(key: 12, version: 3)',
        },
        {
          namespace: 'Runner',
          level: logLevel.ERROR,
          message: 'The coordinator is not aware of this member, re-joining the group',
        },
      ]),
    ).toEqual([
      [DEBUG, 'The group is rebalancing, re-joining'],
      [DEBUG, 'Response Heartbeat(key: 12, version: 3)'],
      [ERROR, 'The coordinator is not aware of this member, re-joining the group'],
    ]);
  });

  it("demotes kafkajs' consumer crash and restart lines: the owner of the consumer reports the crash once", () => {
    expect(
      bridged([
        {
          namespace: 'Consumer',
          level: logLevel.ERROR,
          message: 'Crash: KafkaJSProtocolError: The coordinator is loading',
        },
        { namespace: 'Consumer', level: logLevel.ERROR, message: 'Restarting the consumer in 312ms' },
        {
          namespace: 'Consumer',
          level: logLevel.WARN,
          message: "the cluster is not ready for this member's first join yet (The coordinator is loading)",
        },
        // A crash that needs a person keeps its level.
        {
          namespace: 'Consumer',
          level: logLevel.ERROR,
          message: 'Crash: KafkaJSProtocolError: Not authorized to access group',
        },
      ]),
    ).toEqual([
      [DEBUG, 'Crash: KafkaJSProtocolError: The coordinator is loading'],
      [DEBUG, 'Restarting the consumer in 312ms'],
      [WARN, "the cluster is not ready for this member's first join yet (The coordinator is loading)"],
      [ERROR, 'Crash: KafkaJSProtocolError: Not authorized to access group'],
    ]);
  });

  it("recognises passing crashes by kafkajs' own messages of the transient broker errors", () => {
    const require = createRequire(import.meta.url);
    const { errorCodes } = require('kafkajs/src/protocol/error.js') as {
      errorCodes: Array<{ type: string; message: string }>;
    };
    const messages = errorCodes.map((code) => code.message);
    for (const text of PASSING_CRASH_TEXTS.filter((t) => !t.startsWith('KafkaJS')))
      expect(
        messages.some((message) => message.startsWith(text)),
        text,
      ).toBe(true);
  });
});
