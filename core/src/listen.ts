// Binding listeners with errors that name the flag at fault, and closing them on shutdown.
import type { Server } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { splitHostPort } from './cli-options.ts';

function hostOf(address: string): { host: string; port: number } {
  const parts = splitHostPort(address);
  if (parts === undefined) throw new Error(`"${address}" is not host:port`);
  return { host: parts.host.replace(/^\[(.*)\]$/, '$1'), port: parts.port };
}

export async function listenHttp(server: Server, address: string, flag: string): Promise<void> {
  const { host, port } = hostOf(address);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new Error(`cannot listen on ${address} (--${flag}): ${error.code ?? error.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function listenGrpc(
  server: grpc.Server,
  address: string,
  flag: string,
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
      if (error !== null) reject(new Error(`cannot listen on ${address} (--${flag}): ${error.message}`));
      else resolve(port);
    });
  });
}

/** Stops accepting calls and waits for running ones, forcing after `graceMs`. */
export async function shutdownGrpc(server: grpc.Server, graceMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function closeHttp(server: Server, graceMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
