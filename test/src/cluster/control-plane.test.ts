// The shared control plane's handle: identities, RBAC, TokenRequest/TokenReview without
// kube-controller-manager, tokens minted with the signing key, API-server restarts, and helm.
import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenArgs } from './control-plane.ts';
import type { ControlPlane } from './control-plane.ts';
import { waitFor } from '../harness/processes.ts';
import { checked } from './kubectl.ts';
import { useControlPlane } from './use-control-plane.ts';

describe('createTokenArgs', () => {
  it('asks for every audience and the lifetime in seconds', () => {
    expect(createTokenArgs('ns', 'robot', { audience: ['ensign', 'other'], expirationSeconds: 600 })).toEqual(
      [
        ...['create', 'token', 'robot', '--namespace', 'ns'],
        ...['--audience=ensign', '--audience=other', '--duration=600s'],
      ],
    );
  });

  it('leaves the audience to the API server and asks for an hour by default', () => {
    expect(createTokenArgs('ns', 'robot', {})).toEqual([
      'create',
      'token',
      'robot',
      '--namespace',
      'ns',
      '--duration=3600s',
    ]);
  });
});

let plane: ControlPlane;
let ns: string;

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  return checked(await plane.kubectl(args, input === undefined ? {} : { input }), args);
}

interface TokenReviewStatus {
  authenticated?: boolean;
  audiences?: string[];
  user?: { username?: string; groups?: string[] };
  error?: string;
}

async function review(token: string, audiences: readonly string[]): Promise<TokenReviewStatus> {
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } };
  const out = await kubectlOk(['create', '-o', 'json', '-f', '-'], JSON.stringify(body));
  return (JSON.parse(out) as { status: TokenReviewStatus }).status;
}

beforeAll(async () => {
  plane = await useControlPlane();
  ns = await plane.createNamespace('harness');
});

describe('identityKubeconfig', () => {
  it('authenticates as the user and groups, with only what RBAC grants them', async () => {
    const kubeconfig = await plane.identityKubeconfig('alice', ['ensign-devs']);
    const whoami = await plane.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      status: { userInfo: { username: 'alice', groups: ['ensign-devs', 'system:authenticated'] } },
    });

    const list = ['get', 'configmaps', '-n', ns];
    const refused = await plane.kubectl(list, { kubeconfig });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('User "alice" cannot list resource "configmaps"');

    await kubectlOk(['create', 'role', 'cm-reader', '-n', ns, '--verb=list', '--resource=configmaps']);
    await kubectlOk(['create', 'rolebinding', 'devs', '-n', ns, '--role=cm-reader', '--group=ensign-devs']);
    const allowed = await plane.kubectl(list, { kubeconfig });
    expect(allowed.code, allowed.stderr).toBe(0);
    const elsewhere = await plane.kubectl(['get', 'configmaps', '-n', 'default'], { kubeconfig });
    expect(elsewhere.code).toBe(1);
  });
});

describe('service-account tokens without kube-controller-manager', () => {
  beforeAll(async () => {
    await kubectlOk(['create', 'serviceaccount', 'robot', '-n', ns]);
  });

  it('issues tokens that TokenReview accepts for their audience only', async () => {
    const token = await plane.createServiceAccountToken(ns, 'robot', {
      audience: 'ensign',
      expirationSeconds: 600,
    });
    const status = await review(token, ['ensign']);
    expect(status).toMatchObject({
      authenticated: true,
      audiences: ['ensign'],
      user: { username: `system:serviceaccount:${ns}:robot` },
    });
    expect(status.user?.groups).toContain(`system:serviceaccounts:${ns}`);
    const wrongAudience = await review(token, ['someone-else']);
    expect(wrongAudience.authenticated).not.toBe(true);
    expect(wrongAudience.error).toMatch(/audience/i);
  });

  it('gives a kubeconfig that acts as the service account under its RBAC', async () => {
    const kubeconfig = await plane.serviceAccountKubeconfig(ns, 'robot');
    const whoami = await plane.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
      kubeconfig,
    });
    expect(whoami.stdout).toBe(`system:serviceaccount:${ns}:robot`);
    const can = await plane.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', ns], { kubeconfig });
    expect(can.stdout.trim()).toBe('no');
  });

  it('accepts tokens signed with the published signing key, and rejects them once expired', async () => {
    if (plane.serviceAccountSigningKeyPath === undefined) {
      // Only the local plane's signing key is ours to publish (kind, k3s and clouds keep theirs).
      expect(plane.provider).not.toBe('local');
      return;
    }
    const uid = (
      await kubectlOk(['get', 'serviceaccount', 'robot', '-n', ns, '-o', 'jsonpath={.metadata.uid}'])
    ).trim();
    const key = createPrivateKey(await readFile(plane.serviceAccountSigningKeyPath, 'utf8'));
    const mint = (expiresInSeconds: number): string => {
      const now = Math.floor(Date.now() / 1000);
      const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({
        iss: plane.serviceAccountIssuer,
        aud: ['ensign'],
        sub: `system:serviceaccount:${ns}:robot`,
        iat: now - 1200,
        nbf: now - 1200,
        exp: now + expiresInSeconds,
        jti: randomUUID(),
        'kubernetes.io': { namespace: ns, serviceaccount: { name: 'robot', uid } },
      })}`;
      return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
    };
    expect((await review(mint(600), ['ensign'])).authenticated).toBe(true);
    const expired = await review(mint(-120), ['ensign']);
    expect(expired.authenticated).not.toBe(true);
    expect(expired.error).toMatch(/expired/i);
  });

  it('stops accepting tokens of a deleted service account', async () => {
    await kubectlOk(['create', 'serviceaccount', 'short-lived', '-n', ns]);
    const token = await plane.createServiceAccountToken(ns, 'short-lived', { audience: 'ensign' });
    expect((await review(token, ['ensign'])).authenticated).toBe(true);
    await kubectlOk(['delete', 'serviceaccount', 'short-lived', '-n', ns]);
    // The API server caches successful token authentications for 10 s, so revocation lags that much.
    const deleted = Date.now();
    const status = await waitFor(
      'the token to be rejected',
      async () => {
        const s = await review(token, ['ensign']);
        return s.authenticated === true ? undefined : s;
      },
      20_000,
      500,
    );
    expect(status.error).toMatch(/not found|deleted|invalid/i);
    process.stderr.write(
      `[control plane] token of a deleted service account rejected after ${Date.now() - deleted} ms\n`,
    );
  });
});

describe('restartApiServer', () => {
  it('brings the API server back on the same address with the data in etcd', async () => {
    if (plane.provider !== 'local') {
      await expect(plane.restartApiServer()).rejects.toThrow('not supported');
      return;
    }
    await kubectlOk(['create', 'configmap', 'survivor', '-n', ns, '--from-literal=answer=42']);
    await plane.restartApiServer();
    const value = await kubectlOk([
      'get',
      'configmap',
      'survivor',
      '-n',
      ns,
      '-o',
      'jsonpath={.data.answer}',
    ]);
    expect(value).toBe('42');
  });
});

describe('helm', () => {
  it('installs a chart into the control plane and sees its real Kubernetes version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ensign-helm-test-'));
    try {
      await mkdir(join(dir, 'templates'));
      await writeFile(
        join(dir, 'Chart.yaml'),
        'apiVersion: v2\nname: probe\nversion: 0.1.0\nkubeVersion: ">=1.32.0-0"\n',
      );
      await writeFile(
        join(dir, 'templates', 'configmap.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}\n',
      );
      const install = await plane.helm([
        'install',
        'probe',
        dir,
        '--namespace',
        ns,
        '--wait',
        '--timeout=60s',
      ]);
      expect(install.code, install.stderr).toBe(0);
      const seen = await kubectlOk([
        'get',
        'configmap',
        'probe',
        '-n',
        ns,
        '-o',
        'jsonpath={.data.kubeVersion}',
      ]);
      expect(seen).toBe(plane.version);
      const list = await plane.helm(['list', '--namespace', ns, '-o', 'json']);
      expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'probe', status: 'deployed' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
