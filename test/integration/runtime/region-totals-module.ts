/**
 * The region-totals topology as a topology module (`StreamsConfig.topologyModule`), for instances with
 * several stream threads: each thread's worker imports it and builds the topology with the same args.
 */
import { Counter } from 'prom-client';
import type { Topology } from '../../../topology/topology.js';
import { regionTotalsTopology } from './region-totals.js';

export interface RegionTotalsArgs {
  readonly input: string;
  readonly output: string;
}

/** A metric of the worker's own default registry, for the test that the main thread sees the workers'. */
const built = new Counter({ name: 'test_topologies_built_total', help: 'Topologies this module built.' });

export function buildTopology(args: RegionTotalsArgs): Topology {
  built.inc();
  return regionTotalsTopology(args.input, args.output, { persistent: true });
}
