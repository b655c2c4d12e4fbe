// The sidecar's operations listener (default 0.0.0.0:8415): /healthz while the process runs,
// /readyz once every served namespace has a rule set, /metrics. The listener itself is the one
// both binaries share; the sidecar contributes its readiness signal and registry.
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { createOpsServer } from '@ensign/core/ops-server.ts';
import type { Readiness } from '../api/readiness.ts';

export interface OpsHttpDeps {
  readonly registry: Registry;
  readonly readiness: Readiness;
}

export function createOpsHttpServer(deps: OpsHttpDeps): Server {
  return createOpsServer({ registry: deps.registry, notReadyReason: () => deps.readiness.notReadyReason() });
}
