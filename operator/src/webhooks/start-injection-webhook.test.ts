import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@ensign/core/logger.ts';
import { createTestCa } from '@ensign/core/tls/test-certificates.ts';
import { Listeners } from '../certificates/operator-certificates.ts';
import { failure, ok, type KubeResult } from '../kube/kube-result.ts';
import { startInjectionWebhook, type StartInjectionWebhookOptions } from './start-injection-webhook.ts';

const CONFIG = 'image: sidecar:1\noperatorAddress: 10.0.0.17:8443\n';

function silentLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger('operator', 'debug', sink), lines };
}

async function setup(configText?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'ensign-start-webhook-'));
  const configFile = join(dir, 'injection.yaml');
  if (configText !== undefined) await writeFile(configFile, configText);
  const ca = await createTestCa('Operator CA');
  const serving = await ca.issue({ dnsNames: ['ensign-operator.ensign-system.svc'] });
  const certificates = {
    webhook: {
      current: () => ({ cert: serving.certPem, key: serving.keyPem }),
      onChange: (l: () => void) => new Listeners().add(l),
    },
    caBundle: () => ca.certPem,
  };
  return { dir, configFile, ca, certificates };
}

function base(
  overrides: Partial<StartInjectionWebhookOptions> & Pick<StartInjectionWebhookOptions, 'logger'>,
  version: KubeResult<unknown> = ok({ gitVersion: 'v1.32.13' }),
): StartInjectionWebhookOptions {
  return {
    address: '127.0.0.1:0',
    configFile: undefined,
    client: { request: <T>() => Promise.resolve(version as KubeResult<T>) },
    certificates: undefined,
    files: { certFile: undefined, keyFile: undefined, caFile: undefined },
    serviceName: 'ensign-operator',
    operatorNamespace: 'ensign-system',
    registry: new Registry(),
    ...overrides,
  };
}

function review(port: number, ca: string): Promise<{ response: { patch?: string } }> {
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      namespace: 'shop',
      operation: 'CREATE',
      object: {
        metadata: { name: 'web' },
        spec: { serviceAccountName: 'web', containers: [{ name: 'app' }] },
      },
    },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/inject',
        method: 'POST',
        ca,
        servername: 'ensign-operator.ensign-system.svc',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve(JSON.parse(Buffer.concat(chunks).toString()) as { response: { patch?: string } });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

type Patched = {
  path: string;
  value: { env?: { name: string; value?: string }[]; restartPolicy?: string };
}[];

describe('startInjectionWebhook', () => {
  it('stays off without a config at the default path, and fails for a named file that is missing or invalid', async () => {
    const { dir, configFile } = await setup();
    const { logger, lines } = silentLogger();
    expect(
      await startInjectionWebhook(base({ logger, defaultConfigFile: join(dir, 'absent.yaml') })),
    ).toBeUndefined();
    logger.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.map((l) => l.msg)).toContain('no injection config: the injection webhook is off');
    await expect(startInjectionWebhook(base({ logger, configFile }))).rejects.toThrow(
      `cannot read the injection config --injection-config ${configFile}: ENOENT`,
    );
    await writeFile(configFile, 'image: sidecar:1\n');
    await expect(startInjectionWebhook(base({ logger, configFile }))).rejects.toThrow(
      `invalid injection config:\n${configFile}: operatorAddress: Invalid input`,
    );
  });

  it('serves self-managed certificates and injects their CA bundle and service name as a native sidecar', async () => {
    const { configFile, ca, certificates } = await setup(CONFIG);
    const webhook = await startInjectionWebhook(
      base({ logger: silentLogger().logger, configFile, certificates }),
    );
    if (webhook === undefined) throw new Error('webhook not started');
    try {
      const reply = await review((webhook.server.address() as AddressInfo).port, ca.certPem);
      const patch = JSON.parse(Buffer.from(reply.response.patch ?? '', 'base64').toString()) as Patched;
      const sidecar = patch.find((op) => op.path === '/spec/initContainers')?.value;
      const env = (sidecar as { env: { name: string; value?: string }[] }[] | undefined)?.[0]?.env ?? [];
      expect(env).toContainEqual({ name: 'ENSIGN_SYNC_CA_PEM', value: ca.certPem });
      expect(env).toContainEqual({
        name: 'ENSIGN_SYNC_SERVER_NAME',
        value: 'ensign-operator.ensign-system.svc',
      });
    } finally {
      await webhook.close();
    }
  });

  it('falls back to a regular container when the API server version cannot be read', async () => {
    const { configFile, ca, certificates } = await setup(CONFIG);
    const webhook = await startInjectionWebhook(
      base({ logger: silentLogger().logger, configFile, certificates }, failure(403, 'Forbidden', 'no')),
    );
    if (webhook === undefined) throw new Error('webhook not started');
    try {
      const reply = await review((webhook.server.address() as AddressInfo).port, ca.certPem);
      const patch = JSON.parse(Buffer.from(reply.response.patch ?? '', 'base64').toString()) as Patched;
      expect(patch.map((op) => op.path)).toContain('/spec/containers/-');
    } finally {
      await webhook.close();
    }
  });

  it('needs serving files with --cert-mode=files', async () => {
    const { configFile } = await setup(CONFIG);
    await expect(startInjectionWebhook(base({ logger: silentLogger().logger, configFile }))).rejects.toThrow(
      'the injection webhook needs --webhook-tls-cert and --webhook-tls-key with --cert-mode=files',
    );
  });
});
