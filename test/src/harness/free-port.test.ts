import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, portAllocator, portPool } from './free-port.ts';

describe('freePort', () => {
  it('hands out ports just below the kernel ephemeral range', () => {
    expect(portPool('32768\t60999\n')).toEqual({ first: 22_768, size: 10_000 });
    expect(portPool('5000 65000')).toEqual({ first: 1_024, size: 3_976 });
  });

  it('falls back to any free port when there is no room below the range or no range', () => {
    expect(portPool('1500 65000')).toBeUndefined();
    expect(portPool(undefined)).toBeUndefined();
    expect(portPool('garbage')).toBeUndefined();
  });

  it('returns distinct ports that can be listened on', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    }
  });

  it('skips a port that is already being listened on', async () => {
    const taken = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(taken, '127.0.0.1', resolve));
    try {
      const next = portAllocator({ first: taken, size: 2 }, 0);
      expect(await next()).toBe(taken + 1);
    } finally {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    }
  });

  it('hands out any free port when there is no pool', async () => {
    const port = await portAllocator(undefined, 0)();
    expect(port).toBeGreaterThan(0);
  });
});
