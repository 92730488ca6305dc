import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { idleQueueTimerFixInstalled } from '../../../topology/internal/kafka/kafkajs/kafkajs-module.js';

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { scheduleCheckPendingRequests(this: unknown): void };
};

interface QueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

/** A kafkajs request queue as far as its scheduling sees it. */
function queue(pending: unknown[], throttledUntil: number): QueueState {
  return { pending, throttledUntil, throttleCheckTimeoutId: null, checkPendingRequests: () => undefined };
}

describe('kafkajs request queue timer (idle-queue-timer.ts)', () => {
  const armed: QueueState[] = [];
  afterEach(() => {
    for (const q of armed.splice(0))
      if (q.throttleCheckTimeoutId !== null) clearTimeout(q.throttleCheckTimeoutId);
  });

  it('is installed when the adapter loads kafkajs', () => {
    expect(idleQueueTimerFixInstalled).toBe(true);
  });

  it('arms no timer for an idle, unthrottled queue (kafkajs would tick every millisecond)', () => {
    const q = queue([], -1);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still arms the timer for pending requests and for a throttle in force', () => {
    const waiting = queue([{}], -1);
    const throttled = queue([], Date.now() + 1_000);
    armed.push(waiting, throttled);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(waiting);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(throttled);
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });
});
