// The sync service over real TLS: certificates from a test CA, a gRPC server on loopback, and
// clients that trust one CA or another. Rotation replaces the files on disk, as kubelet does.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleSetServiceService } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import type { PemPair } from '@ensign/core/tls/test-certificates.ts';
import { createSyncServerCredentials, syncCredentialsFromServingTls } from './sync-server-credentials.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function writePair(dir: string, pair: PemPair): Promise<void> {
  // Write beside and rename, so a reader never sees half a file.
  await writeFile(join(dir, 'tls.crt.tmp'), pair.certPem);
  await writeFile(join(dir, 'tls.key.tmp'), pair.keyPem);
  await rename(join(dir, 'tls.crt.tmp'), join(dir, 'tls.crt'));
  await rename(join(dir, 'tls.key.tmp'), join(dir, 'tls.key'));
}

async function tlsServer(dir: string) {
  const tls = await createSyncServerCredentials({
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    logger: quiet,
    pollMs: 60_000,
  });
  return { tls, port: await serveWith(tls) };
}

/** A gRPC server on `tls`, closed after the test; returns its port. */
async function serveWith(tls: { credentials: grpc.ServerCredentials; close(): void }): Promise<number> {
  const server = new grpc.Server();
  // Any service will do to prove the handshake; ReviewToken answers UNIMPLEMENTED without auth.
  server.addService(RuleSetServiceService, {
    watch: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      call.end();
    },
    reviewToken: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'test' });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', tls.credentials, (e, p) => {
      if (e) reject(e);
      else resolve(p);
    });
  });
  cleanups.push(() => {
    tls.close();
    server.forceShutdown();
  });
  return port;
}

/** The status a fresh client trusting `caPem` gets: UNIMPLEMENTED means the TLS handshake worked. */
async function probe(port: number, caPem: string, serverName?: string): Promise<grpc.status> {
  const options: grpc.ChannelOptions =
    serverName === undefined ? {} : { 'grpc.ssl_target_name_override': serverName };
  const client = new grpc.Client(
    `127.0.0.1:${port}`,
    grpc.credentials.createSsl(Buffer.from(caPem)),
    options,
  );
  try {
    return await new Promise<grpc.status>((resolve) => {
      const m = RuleSetServiceService.reviewToken;
      client.makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        { token: 'x' },
        new grpc.Metadata(),
        { deadline: Date.now() + 5_000 },
        (e) => {
          resolve(e?.code ?? grpc.status.OK);
        },
      );
    });
  } finally {
    client.close();
  }
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ensign-tls-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('createSyncServerCredentials', () => {
  it('serves the certificate from the files to clients that trust its CA, checking the name', async () => {
    const ca = await createTestCa();
    const dir = await tempDir();
    await writePair(
      dir,
      await ca.issue({ dnsNames: ['ensign-operator.ensign.svc'], ipAddresses: ['127.0.0.1'] }),
    );
    const { port } = await tlsServer(dir);
    expect(await probe(port, ca.certPem)).toBe(grpc.status.UNIMPLEMENTED);
    expect(await probe(port, ca.certPem, 'ensign-operator.ensign.svc')).toBe(grpc.status.UNIMPLEMENTED);
    expect(await probe(port, ca.certPem, 'someone-else.example')).toBe(grpc.status.UNAVAILABLE);
    expect(await probe(port, (await createTestCa('Other')).certPem)).toBe(grpc.status.UNAVAILABLE);
  });

  it('switches new connections to a rotated certificate without a restart', async () => {
    const [oldCa, newCa] = await Promise.all([createTestCa('Old'), createTestCa('New')]);
    const dir = await tempDir();
    await writePair(dir, await oldCa.issue({ ipAddresses: ['127.0.0.1'] }));
    const { tls, port } = await tlsServer(dir);
    expect(await tls.reload()).toBe('unchanged');
    await writePair(dir, await newCa.issue({ ipAddresses: ['127.0.0.1'] }));
    expect(await tls.reload()).toBe('installed');
    expect(await probe(port, newCa.certPem)).toBe(grpc.status.UNIMPLEMENTED);
    expect(await probe(port, oldCa.certPem)).toBe(grpc.status.UNAVAILABLE);
  });

  it('keeps serving the last good pair while the new files do not match', async () => {
    const ca = await createTestCa();
    const dir = await tempDir();
    const good = await ca.issue({ ipAddresses: ['127.0.0.1'] });
    await writePair(dir, good);
    const { tls, port } = await tlsServer(dir);
    const next = await ca.issue({ ipAddresses: ['127.0.0.1'] });
    await writeFile(join(dir, 'tls.crt'), next.certPem); // the key has not been replaced yet
    expect(await tls.reload()).toBe('rejected');
    expect(await probe(port, ca.certPem)).toBe(grpc.status.UNIMPLEMENTED);
    await writeFile(join(dir, 'tls.key'), next.keyPem);
    expect(await tls.reload()).toBe('installed');
    expect(await probe(port, ca.certPem)).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('picks up changed files on its own', async () => {
    const [oldCa, newCa] = await Promise.all([createTestCa('Old'), createTestCa('New')]);
    const dir = await tempDir();
    await writePair(dir, await oldCa.issue({ ipAddresses: ['127.0.0.1'] }));
    const tls = await createSyncServerCredentials({
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      logger: quiet,
      pollMs: 20,
    });
    cleanups.push(() => {
      tls.close();
    });
    const installed = new Promise<void>((resolve) => {
      const watcher = (): void => {
        tls.credentials._removeWatcher(watcher);
        resolve();
      };
      tls.credentials._addWatcher(watcher);
    });
    await writePair(dir, await newCa.issue({ ipAddresses: ['127.0.0.1'] }));
    await installed;
    expect(String(tls.credentials._getSecureContextOptions()?.cert)).toContain('BEGIN CERTIFICATE');
  });

  it('refuses to start without readable, matching files', async () => {
    const dir = await tempDir();
    await expect(
      createSyncServerCredentials({
        certFile: join(dir, 'none.crt'),
        keyFile: join(dir, 'none.key'),
        logger: quiet,
      }),
    ).rejects.toThrow(/cannot read the sync TLS certificate or key/);
    const ca = await createTestCa();
    const a = await ca.issue({ dnsNames: ['a'] });
    const b = await ca.issue({ dnsNames: ['b'] });
    await writePair(dir, { certPem: a.certPem, keyPem: b.keyPem });
    await expect(
      createSyncServerCredentials({
        certFile: join(dir, 'tls.crt'),
        keyFile: join(dir, 'tls.key'),
        logger: quiet,
      }),
    ).rejects.toThrow(/private key does not belong to the certificate/);
  });
});

describe('syncCredentialsFromServingTls', () => {
  it("serves the source's certificate and switches when the source announces a new one", async () => {
    const [oldCa, newCa] = await Promise.all([createTestCa('Old'), createTestCa('New')]);
    let pair = await oldCa.issue({ ipAddresses: ['127.0.0.1'] });
    const listeners = new Set<() => void>();
    const source = {
      current: () => ({ cert: pair.certPem, key: pair.keyPem }),
      onChange: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const tls = syncCredentialsFromServingTls(source, quiet);
    const port = await serveWith(tls);
    expect(await probe(port, oldCa.certPem)).toBe(grpc.status.UNIMPLEMENTED);
    const broken = { certPem: pair.certPem, keyPem: (await newCa.issue({ dnsNames: ['x'] })).keyPem };
    pair = broken;
    for (const listener of listeners) listener();
    expect(await probe(port, oldCa.certPem)).toBe(grpc.status.UNIMPLEMENTED);
    pair = await newCa.issue({ ipAddresses: ['127.0.0.1'] });
    for (const listener of listeners) listener();
    expect(await probe(port, newCa.certPem)).toBe(grpc.status.UNIMPLEMENTED);
    expect(await probe(port, oldCa.certPem)).toBe(grpc.status.UNAVAILABLE);
    tls.close();
    expect(listeners.size).toBe(0);
  });
});
