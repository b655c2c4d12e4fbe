// Ports for the processes the tests spawn. A port found free by binding to port 0 comes from the
// kernel's ephemeral range, which every outgoing connection also draws from (API server ↔ etcd,
// gRPC and HTTP clients), so between probing it and the child listening on it, a client socket
// can take it and the child fails with EADDRINUSE. Handing out ports just below that range
// removes the race: the kernel never auto-assigns them.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
const POOL_SIZE = 10_000;
const LOWEST_USABLE = 1_024;

/** The ports to hand out: the POOL_SIZE ports just below the ephemeral range, if that fits. */
export function portPool(ephemeralRange: string | undefined): { first: number; size: number } | undefined {
  const low = Number(ephemeralRange?.trim().split(/\s+/)[0]);
  if (!Number.isInteger(low)) return undefined;
  const first = Math.max(LOWEST_USABLE, low - POOL_SIZE);
  const size = low - first;
  return size >= 1_000 ? { first, size } : undefined;
}

function readEphemeralRange(): string | undefined {
  try {
    return readFileSync(EPHEMERAL_RANGE_FILE, 'utf8');
  } catch {
    return undefined;
  }
}

/** Binds `port` (0: any) on loopback, closes it again and returns the bound port, or undefined if taken. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(undefined);
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(address !== null && typeof address === 'object' ? address.port : undefined);
      });
    });
  });
}

/** Hands out ports from `pool`, going round it from `start`; any free port when there is no pool. */
export function portAllocator(
  pool: { first: number; size: number } | undefined,
  start: number,
): () => Promise<number> {
  let cursor = start;
  return async () => {
    if (pool !== undefined) {
      for (let tried = 0; tried < pool.size; tried++) {
        const port = pool.first + (cursor++ % pool.size);
        if ((await probe(port)) !== undefined) return port;
      }
    }
    const any = await probe(0);
    if (any === undefined) throw new Error('no free loopback port');
    return any;
  };
}

const pool = portPool(readEphemeralRange());
// Each test process starts at its own random point so processes rarely probe the same ports;
// within a process the ports go round the pool, so a port is not handed out twice in a row.
export const freePort = portAllocator(pool, pool === undefined ? 0 : Math.floor(Math.random() * pool.size));
