/**
 * A topology module for the stream-threads failure tests: values pass through, except `poison`, on which
 * the processor throws. With `marker`, only the first time in the whole process (the marker file outlives
 * the worker that threw), so a replacement thread gets past it; without, every time.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { ProcessorContext } from '../../../topology/processor.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';

export interface PoisonArgs {
  readonly input: string;
  readonly output: string;
  readonly marker?: string;
}

export function buildTopology(args: PoisonArgs): Topology {
  const serdes = { keySerde: Serdes.string(), valueSerde: Serdes.string() };
  return new Topology()
    .addSource('in', args.input, serdes)
    .addProcessor<string, string, string, string>(
      'check',
      () => {
        let ctx: ProcessorContext<string, string>;
        return {
          init: (context) => {
            ctx = context;
          },
          process: (record) => {
            if (record.value === 'poison' && (args.marker === undefined || !existsSync(args.marker))) {
              if (args.marker !== undefined) writeFileSync(args.marker, 'thrown');
              throw new Error(`poison record ${record.key}`);
            }
            ctx.forward(record);
          },
        };
      },
      'in',
    )
    .addSink('out', args.output, serdes, 'check');
}
