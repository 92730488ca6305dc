/**
 * Kafka Streams' "repartition if required" for stateful steps (aggregations, joins): a stream whose key
 * was changed is written to a repartition topic and read back, so that each key lands in the task that
 * holds its state.
 */
import type { Serde } from '../../../schemas/serde.js';
import type { KStream } from '../../kstream.js';
import { dropNullKeysSupplier } from '../operators/pass-through.js';
import { asUnknown, ProcessorGraphNode, RepartitionGraphNode } from './graph-node.js';
import { repartitionRequiredError } from './internal-streams-builder.js';

/**
 * `stream` if its key was not changed, or the stream read back from a repartition topic
 * `<baseName>-repartition` (null keys dropped) if it was. With automatic repartitioning off, records a
 * build error naming `stepName` instead.
 */
export function repartitionIfRequired<K, V>(
  stream: KStream<K, V>,
  baseName: string,
  stepName: string,
  keySerde?: Serde<K>,
  valueSerde?: Serde<V>,
): KStream<K, V> {
  const builder = stream.builder;
  if (stream.keyChangedBy === undefined) return stream;
  if (!builder.automaticRepartition) {
    builder.addError(repartitionRequiredError(stepName, stream.keyChangedBy));
    return stream;
  }
  const filterName = `${baseName}-repartition-filter`;
  builder.addNode(
    new ProcessorGraphNode(filterName, [stream.nodeName], asUnknown(dropNullKeysSupplier<K, V>())),
  );
  const ks = keySerde ?? stream.keySerde;
  const vs = valueSerde ?? stream.valueSerde;
  const node = new RepartitionGraphNode(
    baseName,
    filterName,
    builder.keySerde(ks) as Serde<unknown>,
    builder.valueSerde(vs) as Serde<unknown>,
    undefined,
    undefined,
  );
  builder.addNode(node);
  return builder.dsl.stream(builder, node.sourceName, ks, vs, undefined, [node.sourceName]);
}
