/**
 * `Named`: the name of the processor node a DSL step adds (Kafka Streams' `Named`), so that `describe()`,
 * metrics and logs say `inventory` instead of `KSTREAM-PROCESSVALUES-0000000012`.
 */
import { TopologyError } from './errors.js';

/**
 * The name of a DSL step's processor node.
 *
 * @example
 * orders.processValues(() => new Pricing(), Named.as('pricing'), 'rates');
 */
export class Named {
  private constructor(
    /** The node name; unique in the topology (the build fails on a duplicate). */
    readonly name: string,
  ) {}

  /** A step named `name`. */
  static as(name: string): Named {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        `Named.as needs a non-empty node name, got ${JSON.stringify(name)}`,
      );
    }
    return new Named(name);
  }
}
