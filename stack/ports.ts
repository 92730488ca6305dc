import { createServer } from 'node:net';

/** True when nothing listens on `127.0.0.1:port` (we can bind it ourselves). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the operating system says is free right now. */
function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Hands out loopback ports: the preferred one when it is free (so a lone stack gets the familiar 9092 and
 * 8081), else one the OS picks. Never hands out the same port twice, since the services only bind them
 * later. Another process may still grab a port in between; the service then fails with its log named.
 */
export class PortAllocator {
  private readonly given = new Set<number>();

  async take(preferred?: number): Promise<number> {
    if (preferred !== undefined && !this.given.has(preferred) && (await isPortFree(preferred))) {
      this.given.add(preferred);
      return preferred;
    }
    for (;;) {
      const port = await ephemeralPort();
      if (!this.given.has(port)) {
        this.given.add(port);
        return port;
      }
    }
  }
}
