/**
 * The test driver on its own entry point (`tstreams/test-utils`), as Kafka Streams ships
 * `kafka-streams-test-utils`: run a topology in-process, pipe records into its input topics and read its
 * output topics and stores, without a broker. The same classes are also exported from `tstreams/topology`.
 *
 * @example
 * import { TopologyTestDriver } from 'tstreams/test-utils';
 * const driver = new TopologyTestDriver(builder.build());
 */
export {
  type InputTopicOptions,
  TopologyTestDriver,
  type TopologyTestDriverOptions,
} from './test-driver.js';
export { type KeyValuePair, TestInputTopic, TestOutputTopic, type TestRecord } from './test-driver-topics.js';
