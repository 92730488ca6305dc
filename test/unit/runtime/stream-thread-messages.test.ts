import { describe, expect, it } from 'vitest';
import { TaskError } from '../../../topology/errors.js';
import { RuntimeError } from '../../../topology/runtime/errors.js';
import {
  argsFromMessage,
  argsToMessage,
  errorFromMessage,
  errorToMessage,
  StreamThreadError,
} from '../../../topology/runtime/stream-thread-messages.js';

/** As the worker's port carries it. */
const acrossThePort = <T>(value: T): T => structuredClone(value);

describe('errors across a stream thread worker port', () => {
  it('come back as RuntimeError with code, retriable and server', () => {
    const sent = new RuntimeError('STRM_ERR_RUNTIME_STORE_NOT_LOCAL', 'elsewhere', {
      retriable: true,
      server: 'b:8080',
    });
    const back = errorFromMessage(acrossThePort(errorToMessage(sent)));
    expect(back).toBeInstanceOf(RuntimeError);
    expect(back).toMatchObject({
      code: 'STRM_ERR_RUNTIME_STORE_NOT_LOCAL',
      retriable: true,
      server: 'b:8080',
    });
    expect(back.message).toBe('elsewhere');
    expect(back.stack).toBe(sent.stack);
  });

  it("keep another coded error's name, code and plain-data details (a task error's node and coordinates)", () => {
    const sent = new TaskError('STRM_ERR_TASK_PROCESSING', 'processor threw', {
      node: 'check',
      coordinates: { topic: 'in', partition: 2, offset: 9 },
      cause: new Error('poison'),
    });
    const back = errorFromMessage(acrossThePort(errorToMessage(sent)));
    expect(back).toBeInstanceOf(StreamThreadError);
    expect(back).toMatchObject({
      name: 'TaskError',
      code: 'STRM_ERR_TASK_PROCESSING',
      retriable: false,
      node: 'check',
      coordinates: { topic: 'in', partition: 2, offset: 9 },
    });
  });

  it('revive errors inside event arguments', () => {
    const args = argsToMessage([
      { taskId: '0_1', attempt: 2, error: new Error('failed') },
      new Error('bare'),
    ]);
    const [event, bare] = argsFromMessage(acrossThePort(args)) as [{ error: Error; taskId: string }, Error];
    expect(event.taskId).toBe('0_1');
    expect(event.error).toBeInstanceOf(Error);
    expect(event.error.message).toBe('failed');
    expect(bare.message).toBe('bare');
  });
});
