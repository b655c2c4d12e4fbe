// Security against the real kube-apiserver: real TokenRequest tokens, real TokenReview (by the
// operator, with exactly its chart RBAC), the operator serving sync over TLS, sidecars as real
// processes authenticating to it and authenticating their callers through it.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationRequest, EvaluationServiceService } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { BooleanEvaluationResponse } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import { waitFor, waitForReady } from '../harness/processes.ts';
import type { EnsignProcess } from '../harness/processes.ts';
import {
  createServiceAccount,
  kubectl,
  mintServiceAccountToken,
  spawnSecureSidecar,
  startSecureOperator,
} from './secure-system.ts';
import type { SecureOperator, SecureSidecar } from './secure-system.ts';

let plane: ControlPlane;
let operator: SecureOperator;
let sidecar: SecureSidecar;
let shop: string;
let partner: string;
let other: string;
const uid: Record<string, string> = {};
const tokens: Record<string, string> = {};
const processes: EnsignProcess[] = [];

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  [shop, partner, other] = await Promise.all([
    plane.createNamespace('auth-shop'),
    plane.createNamespace('auth-partner'),
    plane.createNamespace('auth-other'),
  ]);
  for (const [ns, name] of [
    [shop, 'web'],
    [shop, 'temp'],
    [partner, 'api'],
    [other, 'app'],
    [other, 'special'],
  ] as const)
    uid[`${ns}/${name}`] = await createServiceAccount(plane, ns, name);
  await kubectl(
    plane,
    ['apply', '-f', '-'],
    `apiVersion: ensign.dev/v1alpha1
kind: FlagNamespace
metadata: { name: ${shop} }
spec:
  access:
    namespaces: [${partner}]
    serviceAccounts: [{ namespace: ${other}, name: special }]
---
apiVersion: ensign.dev/v1alpha1
kind: Flag
metadata: { name: checkout, namespace: ${shop} }
spec: { type: Boolean, enabled: true }
---
apiVersion: ensign.dev/v1alpha1
kind: Flag
metadata: { name: checkout, namespace: ${other} }
spec: { type: Boolean, enabled: true }
`,
  );
  const ensign = { audience: 'ensign' };
  tokens.web = await plane.createServiceAccountToken(shop, 'web', ensign);
  tokens.webApiServer = await plane.createServiceAccountToken(shop, 'web');
  tokens.temp = await plane.createServiceAccountToken(shop, 'temp', ensign);
  tokens.partner = await plane.createServiceAccountToken(partner, 'api', ensign);
  tokens.otherApp = await plane.createServiceAccountToken(other, 'app', ensign);
  tokens.special = await plane.createServiceAccountToken(other, 'special', ensign);
  operator = await startSecureOperator(plane, [shop, partner, other]);
  processes.push(operator.proc);
  sidecar = await spawnSecureSidecar(operator, { namespaces: [shop], token: tokens.web });
  processes.push(sidecar.proc);
  await waitForReady(sidecar.proc, sidecar.ports.ops, 30_000);
}, 180_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
});

function evaluate(namespaceKey: string, authorization?: string, via = sidecar) {
  return fetch(`${via.httpUrl}/evaluate/v1/boolean`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ namespaceKey, flagKey: 'checkout', entityId: 'e1' }),
  });
}

async function refusal(res: Response): Promise<{ status: number; code: number; message: string }> {
  const body = (await res.json()) as { code: number; message: string };
  return { status: res.status, code: body.code, message: body.message };
}

const bearer = (token: string | undefined) => `Bearer ${token ?? ''}`;

describe('callers of a sidecar, authenticated by TokenReview through the operator', () => {
  it('answers a caller with a valid service-account token for audience "ensign"', async () => {
    const res = await evaluate(shop, bearer(tokens.web));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ enabled: true, flagKey: 'checkout' });
  });

  it('answers a caller from a namespace the FlagNamespace access admits', async () => {
    expect((await evaluate(shop, bearer(tokens.partner))).status).toBe(200);
  });

  it('answers the exact service account the FlagNamespace access names, and no other of its namespace', async () => {
    expect((await evaluate(shop, bearer(tokens.special))).status).toBe(200);
    expect(await refusal(await evaluate(shop, bearer(tokens.otherApp)))).toEqual({
      status: 403,
      code: 7,
      message: `service account ${other}/app may not read flag namespace "${shop}"; its FlagNamespace spec.access must admit the namespace or service account`,
    });
  });

  it('refuses a token issued for the API server instead of "ensign"', async () => {
    const r = await refusal(await evaluate(shop, bearer(tokens.webApiServer)));
    expect(r).toMatchObject({ status: 401, code: 16 });
    expect(r.message).toMatch(/not valid for audience "ensign"|token audiences/);
  });

  it('refuses an expired token, while the same minting with a future expiry is accepted', async () => {
    const claims = { namespace: shop, name: 'web', uid: uid[`${shop}/web`] ?? '', audience: 'ensign' };
    const expired = await mintServiceAccountToken(plane, { ...claims, expiresInSec: -120 });
    const fresh = await mintServiceAccountToken(plane, { ...claims, expiresInSec: 600 });
    const r = await refusal(await evaluate(shop, bearer(expired)));
    expect(r).toMatchObject({ status: 401, code: 16 });
    expect(r.message).toMatch(/expired/);
    expect((await evaluate(shop, bearer(fresh))).status).toBe(200);
  });

  it('refuses the token of a service account that has been deleted', async () => {
    await kubectl(plane, ['delete', 'serviceaccount', 'temp', '-n', shop]);
    const r = await refusal(await evaluate(shop, bearer(tokens.temp)));
    expect(r).toMatchObject({ status: 401, code: 16 });
    expect(r.message).toMatch(/service-account token rejected: .*(not found|invalid)/);
  });

  it.each([
    ['no Authorization header', undefined, /^missing credentials/],
    ['a lower-case scheme', `bearer ${'x'.repeat(20)}`, /^malformed Authorization header/],
    ['two spaces after the scheme', `Bearer  ${'x'.repeat(20)}`, /^malformed Authorization header/],
    [
      'a token that is not a JWT',
      'Bearer definitely-not-a-service-account-token',
      /^the bearer token is not valid$/,
    ],
  ])('refuses %s as UNAUTHENTICATED', async (_what, header, message) => {
    const r = await refusal(await evaluate(shop, header));
    expect(r).toMatchObject({ status: 401, code: 16 });
    expect(r.message).toMatch(message);
  });

  it('refuses the same way over gRPC (codes 16 and 7) and answers a valid caller', async () => {
    const Client = grpc.makeGenericClientConstructor(EvaluationServiceService, 'EvaluationService');
    const client = new Client(
      sidecar.grpcAddress,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & {
      boolean: (
        r: EvaluationRequest,
        m: grpc.Metadata,
        cb: (e: grpc.ServiceError | null, v?: BooleanEvaluationResponse) => void,
      ) => void;
    };
    const call = (authorization?: string) =>
      new Promise<grpc.status>((resolve) => {
        const metadata = new grpc.Metadata();
        if (authorization !== undefined) metadata.set('authorization', authorization);
        client.boolean(
          EvaluationRequest.fromPartial({ namespaceKey: shop, flagKey: 'checkout', entityId: 'e' }),
          metadata,
          (e) => {
            resolve(e?.code ?? grpc.status.OK);
          },
        );
      });
    expect(await call(bearer(tokens.web))).toBe(grpc.status.OK);
    expect(await call()).toBe(grpc.status.UNAUTHENTICATED);
    expect(await call(bearer(tokens.webApiServer))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await call(bearer(tokens.otherApp))).toBe(grpc.status.PERMISSION_DENIED);
    client.close();
  });

  it('keeps /healthz, /readyz and /metrics open without credentials', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await fetch(`http://127.0.0.1:${sidecar.ports.ops}${path}`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${sidecar.ports.ops}/metrics`)).text();
    expect(metrics).toMatch(
      /ensign_sidecar_auth_results_total\{method="serviceaccount",result="authenticated"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /ensign_sidecar_auth_results_total\{method="serviceaccount",result="denied"\} [1-9]/,
    );
  });
});

function syncFailure(proc: EnsignProcess, code: string) {
  return waitFor(
    `a "${code}" sync failure in the sidecar's log`,
    () => proc.logs().find((l) => l.msg === 'sync stream failed' && l.code === code),
    20_000,
    100,
  );
}

describe('sidecars, authenticated to the operator over TLS', () => {
  it('lets a sidecar watch a namespace whose FlagNamespace access admits it, and serve it to admitted callers', async () => {
    const guest = await spawnSecureSidecar(operator, {
      namespaces: [partner, shop],
      token: tokens.partner ?? '',
    });
    processes.push(guest.proc);
    await waitForReady(guest.proc, guest.ports.ops, 30_000);
    expect((await evaluate(shop, bearer(tokens.partner), guest)).status).toBe(200);
  });

  it('refuses a sidecar that asks for a namespace it may not watch with PERMISSION_DENIED naming it', async () => {
    const intruder = await spawnSecureSidecar(operator, {
      namespaces: [other, shop],
      token: tokens.otherApp ?? '',
    });
    processes.push(intruder.proc);
    const failure = await syncFailure(intruder.proc, 'PERMISSION_DENIED');
    expect(failure.details).toBe(
      `service account ${other}/app may not watch namespace "${shop}": a sidecar may watch its own namespace and those whose FlagNamespace spec.access admits its namespace or service account`,
    );
    expect((await fetch(`http://127.0.0.1:${intruder.ports.ops}/readyz`)).status).toBe(503);
    await intruder.proc.stop();
  });

  it('refuses a sidecar whose token is for the API server audience with UNAUTHENTICATED', async () => {
    const wrong = await spawnSecureSidecar(operator, {
      namespaces: [shop],
      token: tokens.webApiServer ?? '',
    });
    processes.push(wrong.proc);
    const failure = await syncFailure(wrong.proc, 'UNAUTHENTICATED');
    expect(String(failure.details)).toMatch(/^sidecar authentication: token rejected: .*audience/);
    await wrong.proc.stop();
  });

  it.each<[string, { otherCa?: boolean; serverName?: string }]>([
    ['does not trust the operator’s CA', { otherCa: true }],
    ['expects another server name', { serverName: 'someone-else.example' }],
  ])('does not connect when the sidecar %s', async (_what, options) => {
    const distrustful = await spawnSecureSidecar(operator, {
      namespaces: [shop],
      token: tokens.web ?? '',
      ...(options.otherCa === true ? { caFile: operator.otherCaFile } : {}),
      ...(options.serverName === undefined ? {} : { serverName: options.serverName }),
    });
    processes.push(distrustful.proc);
    await syncFailure(distrustful.proc, 'UNAVAILABLE');
    expect((await fetch(`http://127.0.0.1:${distrustful.ports.ops}/readyz`)).status).toBe(503);
    await distrustful.proc.stop();
  });

  it('never writes a token to any log', () => {
    const secrets = Object.values(tokens);
    expect(secrets.length).toBeGreaterThan(5);
    for (const proc of processes) {
      const text = proc.lines.join('\n');
      for (const secret of secrets) expect(text).not.toContain(secret);
      // Nor the signature part alone.
      for (const secret of secrets) expect(text).not.toContain(secret.split('.')[2] ?? secret);
    }
  });
});
