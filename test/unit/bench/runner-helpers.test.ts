import { describe, expect, it } from 'vitest';
import { niceCeiling, renderChart, renderPeerChart } from '../../../bench/runner/chart.js';
import { readProcStat } from '../../../bench/runner/proc-stat.js';
import { summariseProfile } from '../../../bench/runner/profile-summary.js';
import type { PipelineRunResult } from '../../../bench/runner/run-pipeline.js';

describe('bench chart', () => {
  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(130)).toBe(200);
    expect(niceCeiling(4100)).toBe(5000);
    expect(niceCeiling(100)).toBe(100);
  });

  it('draws one line per run in each of the three panels, with a legend', () => {
    const point = (t: number) => ({
      t,
      sent: 10,
      decided: t,
      p50: 5,
      p95: 9,
      lagCommitted: 3,
      lagPosition: 1,
      lagPayments: 0,
    });
    const run = (label: string) =>
      ({ label, timeline: [0, 1, 2].map(point) }) as unknown as PipelineRunResult;
    const svg = renderChart('seed <test>', [run('a-1'), run('b-1')]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(6);
    expect(svg).toContain('seed &lt;test&gt;');
    expect(svg).toContain('>b-1</text>');
  });

  it('draws a bar per peer', () => {
    const svg = renderPeerChart('peers', { ours: 600, 'kafka-streams': 900 });
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('900 records/s');
  });
});

describe('readProcStat', () => {
  it('reads CPU time and RSS of a live process and nothing of a missing one', () => {
    const reading = readProcStat(process.pid)!;
    expect(reading.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(reading.cpuSeconds).toBeGreaterThan(0);
    expect(readProcStat(2 ** 30)).toBeUndefined();
  });
});

describe('summariseProfile', () => {
  it('adds self time per function and per package or folder', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const summary = summariseProfile({
      nodes: [
        { id: 1, callFrame: frame('(garbage collector)', '') },
        { id: 2, callFrame: frame('encode', 'file:///work/main/node_modules/kafkajs/src/x.js') },
        { id: 3, callFrame: frame('process', 'file:///work/main/topology/engine.ts') },
      ],
      samples: [2, 2, 3, 1, 2],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    });
    expect(summary.totalMs).toBe(5);
    expect(summary.areas[0]).toEqual({ area: 'kafkajs', ms: 3, share: 60 });
    expect(summary.functions.map((f) => f.name)).toContain('process topology/engine.ts:1');
  });
});
