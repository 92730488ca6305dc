/**
 * The region-totals topology as a topology module (`StreamsConfig.topologyModule`), for instances with
 * several stream threads: each thread's worker imports it and builds the topology with the same args.
 */
import type { Topology } from '../../../topology/topology.js';
import { regionTotalsTopology } from './region-totals.js';

export interface RegionTotalsArgs {
  readonly input: string;
  readonly output: string;
}

export function buildTopology(args: RegionTotalsArgs): Topology {
  return regionTotalsTopology(args.input, args.output, { persistent: true });
}
