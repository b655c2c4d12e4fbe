// An in-process operator sync server over real TLS (certificate files from a test CA) with the
// operator's real ReviewToken handler, and files for a sidecar to trust it and present a token.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import type { TestCa } from '@ensign/core/tls/test-certificates.ts';
import { createOperatorAuth } from '@ensign/operator/auth/create-operator-auth.ts';
import type { TokenReviewer } from '@ensign/operator/auth/create-token-reviewer.ts';
import { createSyncServerCredentials } from '@ensign/operator/auth/sync-server-credentials.ts';
import { RuleSetHub } from '@ensign/operator/sync/rule-set-hub.ts';
import { addSyncService } from '@ensign/operator/sync/sync-server.ts';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

export interface TlsOperator {
  readonly address: string;
  readonly dir: string;
  readonly caFile: string;
  readonly tokenFile: string;
  ca: TestCa;
  /** Serves a certificate from a new CA (written to the server's files and reloaded). */
  rotateCa(): Promise<TestCa>;
  stop(): Promise<void>;
}

export async function startTlsOperator(
  review: TokenReviewer | undefined,
  sidecarToken: string,
): Promise<TlsOperator> {
  const dir = await mkdtemp(join(tmpdir(), 'ensign-tls-op-'));
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const writeServing = async (ca: TestCa) => {
    const pair = await ca.issue({ dnsNames: ['ensign-operator.ensign.svc'], ipAddresses: ['127.0.0.1'] });
    await writeFile(certFile, pair.certPem);
    await writeFile(keyFile, pair.keyPem);
  };
  let ca = await createTestCa();
  await writeServing(ca);
  const caFile = join(dir, 'ca.crt');
  const tokenFile = join(dir, 'token');
  await writeFile(caFile, ca.certPem);
  await writeFile(tokenFile, `${sidecarToken}\n`);
  const tls = await createSyncServerCredentials({ certFile, keyFile, logger: quiet, pollMs: 60_000 });
  const server = new grpc.Server();
  const auth =
    review === undefined
      ? undefined
      : createOperatorAuth({ review, accessOf: () => undefined, logger: quiet, now: Date.now });
  addSyncService(server, {
    hub: new RuleSetHub({ emptyRuleSet: (namespace) => RuleSet.fromPartial({ namespace }), now: Date.now }),
    logger: quiet,
    authorize: auth?.authorize ?? (() => Promise.resolve({ ok: true, identity: 'test' })),
    now: Date.now,
    ...(auth === undefined ? {} : { reviewToken: auth.reviewToken }),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', tls.credentials, (e, p) => {
      if (e) reject(e);
      else resolve(p);
    });
  });
  const operator: TlsOperator = {
    address: `127.0.0.1:${port}`,
    dir,
    caFile,
    tokenFile,
    ca,
    async rotateCa() {
      ca = await createTestCa('Rotated CA');
      operator.ca = ca;
      await writeServing(ca);
      await tls.reload();
      return ca;
    },
    async stop() {
      tls.close();
      server.forceShutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return operator;
}
