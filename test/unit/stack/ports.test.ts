import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPortFree, PortAllocator } from '../../../stack/ports.js';

describe('PortAllocator', () => {
  const servers: Server[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function occupy(): Promise<number> {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    return address.port;
  }

  it('picks another free port when the preferred one is taken', async () => {
    const taken = await occupy();
    expect(await isPortFree(taken)).toBe(false);
    const port = await new PortAllocator().take(taken);
    expect(port).not.toBe(taken);
    expect(await isPortFree(port)).toBe(true);
  });

  it('gives the preferred port when it is free, and never the same port twice', async () => {
    const free = await occupy();
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const allocator = new PortAllocator();
    expect(await allocator.take(free)).toBe(free);
    const second = await allocator.take(free);
    expect(second).not.toBe(free);
    const others = await Promise.all([allocator.take(), allocator.take(), allocator.take()]);
    expect(new Set([free, second, ...others]).size).toBe(5);
  });
});
