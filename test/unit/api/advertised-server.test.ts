/**
 * `ADVERTISED_SERVER`: where the other instances reach this one for forwarded reads. The default must be
 * an address one can connect to, not the wildcard the server listens on.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../api/config.js';
import { ApiError } from '../../../api/errors.js';

describe('ADVERTISED_SERVER', () => {
  it.each([
    [{}, '127.0.0.1:8080'],
    [{ HOST: '::', PORT: '9000' }, '127.0.0.1:9000'],
    [{ HOST: '10.0.0.7', PORT: '9000' }, '10.0.0.7:9000'],
    [{ HOST: '::1', PORT: '9000' }, '[::1]:9000'],
    [{ PORT: '9000', ADVERTISED_SERVER: 'api-2.internal:9000' }, 'api-2.internal:9000'],
  ])('%j advertises %s', (env, expected) => {
    expect(loadConfig(env).advertisedServer).toBe(expected);
  });

  it.each(['http://api-2:9000', 'api-2', 'api-2:9000/path'])(
    'refuses %s, which is not host:port',
    (value) => {
      expect(() => loadConfig({ ADVERTISED_SERVER: value })).toThrow(ApiError);
      expect(() => loadConfig({ ADVERTISED_SERVER: value })).toThrow(/must be host:port/);
    },
  );
});
