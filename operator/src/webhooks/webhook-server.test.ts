import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createTestCa, type PemPair } from '@ensign/core/tls/test-certificates.ts';
import { Listeners } from '../certificates/operator-certificates.ts';
import { injectionConfigSchema } from './injection-config.ts';
import { reviewPod } from './review-pod.ts';
import { createWebhookMetrics } from './webhook-metrics.ts';
import { createWebhookServer, type WebhookServer } from './webhook-server.ts';

/** Every log record the server writes, to check what reaches the log. */
const logged: unknown[] = [];
const quiet = {
  debug: (obj: object, msg: string) => logged.push({ ...obj, msg }),
  info: (obj: object, msg: string) => logged.push({ ...obj, msg }),
  warn: (obj: object, msg: string) => logged.push({ ...obj, msg }),
};
const CA_BUNDLE = '-----BEGIN CERTIFICATE-----\nMIIB-bundle\n-----END CERTIFICATE-----\n';
const context = {
  config: injectionConfigSchema.parse({ image: 'sidecar:1', operatorAddress: 'operator:8443' }),
  native: true,
  caBundle: CA_BUNDLE,
  syncServerName: undefined,
  excludedNamespaces: ['kube-system'],
  watchedNamespaces: [],
};
let running: WebhookServer | undefined;

afterEach(async () => {
  const server = running;
  running = undefined;
  if (server === undefined) return;
  server.close();
  await new Promise((resolve) => {
    server.server.close(resolve);
  });
});

async function start(pair: PemPair, maxBodyBytes?: number) {
  let current = pair;
  const listeners = new Listeners();
  const tls = {
    current: () => ({ cert: current.certPem, key: current.keyPem }),
    onChange: (l: () => void) => listeners.add(l),
  };
  const registry = new Registry();
  const metrics = createWebhookMetrics(registry);
  running = createWebhookServer({
    tls,
    review: (body) => reviewPod(body, context),
    metrics,
    logger: quiet,
    now: () => performance.now(),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  await new Promise<void>((resolve) => running?.server.listen(0, '127.0.0.1', resolve));
  const port = (running.server.address() as AddressInfo).port;
  return {
    port,
    registry,
    rotate(next: PemPair) {
      current = next;
      listeners.notify();
    },
  };
}

interface Reply {
  status: number;
  body: string;
  issuer: string;
}

function call(
  port: number,
  ca: string,
  options: { method?: string; path?: string; type?: string; body?: string } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/inject?timeout=5s',
        method: options.method ?? 'POST',
        ca,
        servername: 'ensign-operator.ensign-system.svc',
        agent: false,
        headers: { 'content-type': options.type ?? 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const socket = res.socket as unknown as { getPeerCertificate(): { issuer: { CN: string } } };
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            issuer: socket.getPeerCertificate().issuer.CN,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const review = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    namespace: 'shop',
    operation: 'CREATE',
    object: {
      metadata: { name: 'web', annotations: { 'ensign.dev/inject': 'true' } },
      spec: { serviceAccountName: 'web', containers: [{ name: 'app' }] },
    },
  },
});

describe('createWebhookServer', () => {
  it('answers a POSTed AdmissionReview over TLS and counts it', async () => {
    const ca = await createTestCa('Webhook CA');
    const server = await start(await ca.issue({ dnsNames: ['ensign-operator.ensign-system.svc'] }));
    const reply = await call(server.port, ca.certPem, { body: review });
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as { response: { uid: string; allowed: boolean; patchType: string } };
    expect(body.response).toMatchObject({ uid: 'u1', allowed: true, patchType: 'JSONPatch' });
    const metrics = await server.registry.metrics();
    expect(metrics).toContain('ensign_operator_webhook_requests_total{result="injected"} 1');
    expect(metrics).toContain('ensign_operator_webhook_requests_total{result="skipped"} 0');
    expect(metrics).toContain('ensign_operator_webhook_duration_seconds_count 1');
    // One line naming the pod and the result; never the CA bundle or the pod spec.
    expect(logged).toContainEqual({
      namespace: 'shop',
      pod: 'web',
      result: 'injected',
      detail: undefined,
      msg: 'sidecar injected',
    });
    expect(JSON.stringify(logged)).not.toContain('MIIB-bundle');
    expect(JSON.stringify(logged)).not.toContain('containers');
  });

  it('refuses other paths, methods, content types, bodies that are not JSON and oversized bodies', async () => {
    const ca = await createTestCa('Webhook CA');
    const server = await start(await ca.issue({ dnsNames: ['ensign-operator.ensign-system.svc'] }), 2048);
    expect((await call(server.port, ca.certPem, { path: '/other', body: review })).status).toBe(404);
    expect((await call(server.port, ca.certPem, { method: 'GET' })).status).toBe(405);
    expect((await call(server.port, ca.certPem, { type: 'text/plain', body: review })).status).toBe(415);
    expect((await call(server.port, ca.certPem, { body: '{nope' })).status).toBe(400);
    const notReview = await call(server.port, ca.certPem, { body: '{"kind":"Pod"}' });
    expect(notReview.status).toBe(400);
    expect(notReview.body).toContain('not an admission.k8s.io/v1 AdmissionReview');
    expect((await call(server.port, ca.certPem, { body: 'x'.repeat(4096) })).status).toBe(413);
    expect(await server.registry.metrics()).toContain(
      'ensign_operator_webhook_requests_total{result="error"} 6',
    );
  });

  it('presents a new certificate as soon as the ServingTls changes', async () => {
    const [first, second] = await Promise.all([createTestCa('First CA'), createTestCa('Second CA')]);
    const names = { dnsNames: ['ensign-operator.ensign-system.svc'] };
    const server = await start(await first.issue(names));
    expect((await call(server.port, first.certPem, { body: review })).issuer).toBe('First CA');
    server.rotate(await second.issue(names));
    const reply = await call(server.port, second.certPem, { body: review });
    expect(reply).toMatchObject({ status: 200, issuer: 'Second CA' });
    await expect(call(server.port, first.certPem, { body: review })).rejects.toThrow();
  });
});
