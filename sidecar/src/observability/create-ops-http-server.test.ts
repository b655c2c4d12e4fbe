import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createReadinessSwitch } from '../api/readiness.ts';
import { createOpsHttpServer } from './create-ops-http-server.ts';
import { createSidecarMetrics } from './metrics.ts';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function start(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('sidecar ops listener', () => {
  it('answers /healthz with 200 whether or not the sidecar is ready', async () => {
    const readiness = createReadinessSwitch('waiting for the rule sets of namespaces: default');
    const base = await start(createOpsHttpServer({ registry: new Registry(), readiness }));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers /readyz with 503 and the reason before ready, and 200 after', async () => {
    const readiness = createReadinessSwitch('waiting for the rule sets of namespaces: default');
    const base = await start(createOpsHttpServer({ registry: new Registry(), readiness }));
    const before = await fetch(`${base}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({
      status: 'not ready',
      reason: 'waiting for the rule sets of namespaces: default',
    });
    readiness.set(undefined);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('serves the sidecar metrics from the registry it was given', async () => {
    const registry = new Registry();
    const metrics = createSidecarMetrics({
      registry,
      now: () => 5_000,
      ruleSets: () => [{ namespace: 'default', revision: 'abc', flagCount: 0, appliedAt: 2_000 }],
    });
    metrics.evaluated('grpc', 'boolean', 'MATCH', 'checkout');
    const base = await start(createOpsHttpServer({ registry, readiness: createReadinessSwitch(undefined) }));
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('ensign_sidecar_evaluations_total{api="grpc",type="boolean",reason="MATCH"} 1');
    expect(text).toContain('ensign_sidecar_ruleset_age_seconds{namespace="default"} 3');
    expect(text).toContain('ensign_sidecar_ruleset_revision_info{namespace="default",revision="abc"} 1');
  });
});
