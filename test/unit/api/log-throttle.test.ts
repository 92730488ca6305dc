import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../../api/http/log-throttle.js';

/** A logger that records its warnings. */
function recorder() {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  return {
    lines,
    warn: (fields: object, message: string) =>
      lines.push({ fields: fields as Record<string, unknown>, message }),
  };
}

describe('LogThrottle', () => {
  it('logs the first warning of a kind, counts the repeats and sums them up when the interval ends', async () => {
    const summary = recorder();
    const request = recorder();
    const throttle = new LogThrottle(summary, 30);
    for (let i = 0; i < 500; i++) throttle.warn('503:REBALANCING', request, { i }, 'stores rebalancing');
    throttle.warn('503:FORWARD_FAILED', request, {}, 'owner did not answer');
    expect(request.lines.map((l) => l.message)).toEqual(['stores rebalancing', 'owner did not answer']);
    expect(summary.lines).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(summary.lines).toEqual([
      {
        fields: { kind: '503:REBALANCING', suppressed: 499, intervalMs: 30 },
        message: '499 more like this in 0.03 s: stores rebalancing',
      },
    ]);
    // A new interval starts with a logged warning again.
    throttle.warn('503:REBALANCING', request, {}, 'stores rebalancing');
    expect(request.lines).toHaveLength(3);
  });

  it('sums up the pending counts at flush', () => {
    const summary = recorder();
    const throttle = new LogThrottle(summary, 60_000);
    throttle.warn('k', summary, {}, 'first');
    throttle.warn('k', summary, {}, 'again');
    throttle.flush();
    expect(summary.lines.map((l) => l.fields.suppressed ?? l.message)).toEqual(['first', 1]);
  });
});
