/** A name for the processor an operator creates, as Kafka Streams' `Named`. */
import { TopologyError } from './errors.js';

/** Characters Kafka allows in topic names; processor names end up in internal topic and store names. */
const LEGAL_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Names the processor a DSL operator creates, instead of a generated `KSTREAM-FILTER-0000000003`: the name
 * shows in `describe()`, metrics, logs and dead-letter headers, and stays the same when other steps are
 * added before it. Names must be unique in a topology (`STRM_ERR_TOPOLOGY_DUPLICATE_NAME` at `build()`).
 *
 * @example
 * orders.filter((_id, order) => order.total > 0, Named.as('drop-empty-orders'));
 */
export class Named {
  private constructor(readonly name: string) {}

  /**
   * A processor name: letters, digits, `.`, `_` and `-`, at most 249 characters.
   *
   * @throws TopologyError `STRM_ERR_TOPOLOGY_INVALID_ARGUMENT` for any other name.
   */
  static as(name: string): Named {
    if (typeof name !== 'string' || !LEGAL_NAME.test(name)) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        `processor name "${String(name)}" is not valid: use 1 to 249 letters, digits, '.', '_' or '-'`,
      );
    }
    return new Named(name);
  }
}
