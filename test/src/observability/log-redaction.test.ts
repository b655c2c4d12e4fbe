// A real sidecar at debug level, with caller authentication required, receives bearer tokens over
// HTTP (Authorization header) and gRPC (`authorization` metadata): accepted, unknown and
// JWT-shaped ones. Its output must carry the log lines about those requests and none of the tokens.
import * as grpc from '@grpc/grpc-js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fliptGrpcClient } from '../harness/grpc-client.ts';
import {
  sidecarPorts,
  spawnSidecar,
  startOperator,
  tempDir,
  waitFor,
  waitForReady,
  REPO_ROOT,
  type EnsignProcess,
  type SidecarPorts,
} from '../harness/processes.ts';

const VALID = 'valid-static-token-7f3a9c1e55d2';
const UNKNOWN = 'unknown-token-0b8e4d2a91c7f6';
const JWT_LIKE =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtc3ViamVjdCIsImlzcyI6Imh0dHBzOi8vbm9ib2R5In0.c2lnbmF0dXJlLXNlY3JldA';
const GRPC_UNKNOWN = 'grpc-unknown-token-5c1d7e9a3b';

let operator: EnsignProcess;
let sidecar: EnsignProcess;
let ports: SidecarPorts;

async function evaluate(token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${ports.http}/evaluate/v1/boolean`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      namespaceKey: 'default',
      flagKey: 'payments-enabled',
      entityId: 'e',
      context: {},
    }),
  });
  await res.text();
  return res.status;
}

beforeAll(async () => {
  const dir = await tempDir('redaction');
  const tokens = join(dir, 'tokens');
  await writeFile(tokens, `# test callers\n${VALID} default\n`);
  const started = await startOperator(join(REPO_ROOT, 'examples'));
  operator = started.proc;
  const operatorPort = started.ports.sync;
  ports = await sidecarPorts();
  sidecar = spawnSidecar(operatorPort, ports, await tempDir('redaction-state'), [
    '--namespaces=default',
    '--auth=required',
    `--static-tokens-file=${tokens}`,
    '--log-level=debug',
  ]);
  await waitForReady(sidecar, ports.ops);
}, 60_000);

afterAll(async () => {
  await Promise.all([sidecar.stop(), operator.stop()]);
});

describe('sidecar logs at debug level', () => {
  it('hold no bearer token from HTTP headers or gRPC metadata, while logging the refused requests', async () => {
    expect(await evaluate(VALID)).toBe(200);
    expect(await evaluate(UNKNOWN)).toBe(401);
    expect(await evaluate(JWT_LIKE)).toBe(401);
    const client = fliptGrpcClient(`127.0.0.1:${ports.grpc}`);
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${GRPC_UNKNOWN}`);
    const refused = await client
      .call('Boolean', { namespaceKey: 'default', flagKey: 'payments-enabled', entityId: 'e' }, metadata)
      .then(
        () => undefined,
        (error: unknown) => error as grpc.ServiceError,
      );
    client.close();
    expect(refused?.code).toBe(grpc.status.UNAUTHENTICATED);

    // The refusals are logged (so the lines that could leak a token exist), by transport.
    const refusals = await waitFor('three refusals logged', () => {
      const lines = sidecar.logs().filter((l) => l.msg === 'caller not authenticated');
      return lines.length >= 3 ? lines : undefined;
    });
    expect(refusals.map((l) => l.transport).sort()).toEqual(['grpc', 'http', 'http']);
    expect(
      refusals.every((l) => l.level === 'debug' && l.component === 'sidecar' && l.subsystem === 'auth'),
    ).toBe(true);

    await sidecar.stop();
    const output = sidecar.lines.join('\n');
    expect(output).toContain('"level":"debug"');
    for (const token of [VALID, UNKNOWN, JWT_LIKE, GRPC_UNKNOWN, 'c2lnbmF0dXJlLXNlY3JldA', 'Bearer '])
      expect(output, `sidecar output contains ${token}`).not.toContain(token);
  });
});
