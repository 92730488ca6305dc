import { describe, expect, it } from 'vitest';
import { KafkaFacadeError } from '../../../topology/internal/kafka/errors.js';
import { isFencedError } from '../../../topology/internal/kafka/kafkajs/errors.js';
import { RuntimeError } from '../../../topology/runtime/errors.js';

/** The shape of a kafkajs protocol error: only `type` matters to the facade. */
const protocolError = (type: string) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });

describe('isFencedError: "this task moved" versus "this transaction failed"', () => {
  it('recognises the broker telling an old producer epoch, however deep in the cause chain', () => {
    expect(isFencedError(protocolError('INVALID_PRODUCER_EPOCH'))).toBe(true);
    expect(isFencedError(protocolError('PRODUCER_FENCED'))).toBe(true);
    const wrapped = new RuntimeError('STRM_ERR_RUNTIME_PRODUCTION', 'sending failed', {
      cause: new KafkaFacadeError('STRM_ERR_KAFKA_PRODUCE', 'producing failed', {
        cause: protocolError('INVALID_PRODUCER_EPOCH'),
      }),
    });
    expect(isFencedError(wrapped)).toBe(true);
    expect(isFencedError(new KafkaFacadeError('STRM_ERR_KAFKA_PRODUCER_FENCED', 'fenced'))).toBe(true);
  });

  it('does not take other failures for a fencing', () => {
    expect(isFencedError(protocolError('CONCURRENT_TRANSACTIONS'))).toBe(false);
    expect(isFencedError(protocolError('INVALID_TXN_STATE'))).toBe(false);
    expect(isFencedError(new KafkaFacadeError('STRM_ERR_KAFKA_TRANSACTION', 'aborted'))).toBe(false);
    expect(isFencedError(new Error('broker down'))).toBe(false);
    expect(isFencedError(undefined)).toBe(false);
  });
});
