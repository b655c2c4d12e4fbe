import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { Principal } from '../api/auth-hooks.ts';
import { lookupOf } from '../api/test-support/rule-sets.ts';
import { createAuthMetrics } from './auth-metrics.ts';
import { createCallerAuthorizer } from './caller-authorizer.ts';

const lookup = lookupOf('shop', [
  RuleSet.fromPartial({ namespace: 'shop' }),
  RuleSet.fromPartial({
    namespace: 'catalog',
    access: { namespaces: ['checkout'], serviceAccounts: [{ namespace: 'batch', name: 'nightly' }] },
  }),
]);
const registry = new Registry();
const authorize = createCallerAuthorizer({ lookup, metrics: createAuthMetrics(registry) });

const sa = (namespace: string, serviceAccount?: string): Principal => ({
  subject: `system:serviceaccount:${namespace}:${serviceAccount ?? 'x'}`,
  namespace,
  method: 'serviceaccount',
  ...(serviceAccount === undefined ? {} : { serviceAccount }),
});

describe('createCallerAuthorizer', () => {
  it.each<[string, Principal, string, boolean]>([
    ['its own namespace', sa('shop', 'web'), 'shop', true],
    ['another namespace without access', sa('shop', 'web'), 'catalog', false],
    ['a namespace whose access names the caller’s namespace', sa('checkout', 'api'), 'catalog', true],
    ['a namespace whose access names the exact service account', sa('batch', 'nightly'), 'catalog', true],
    ['that namespace as another service account', sa('batch', 'hourly'), 'catalog', false],
    ['a namespace this sidecar does not serve', sa('checkout', 'api'), 'unknown', false],
    ['its own namespace even when not served here', sa('unknown', 'x'), 'unknown', true],
    ['any namespace without a namespace of its own', { subject: 'alice', method: 'jwt' }, 'shop', false],
  ])('decides a caller reading %s', (_what, principal, namespace, allowed) => {
    const denied = authorize(principal, namespace);
    if (allowed) expect(denied).toBeUndefined();
    else expect(denied).toMatchObject({ kind: 'PERMISSION_DENIED' });
  });

  it('explains a refusal by naming the caller and the namespace', () => {
    expect(authorize(sa('shop', 'web'), 'catalog')?.message).toBe(
      'service account shop/web may not read flag namespace "catalog"; its FlagNamespace spec.access must admit the namespace or service account',
    );
    expect(authorize({ subject: 'alice', method: 'jwt' }, 'shop')?.message).toBe(
      'caller "alice" has no Kubernetes namespace and may not read flag namespace "shop"',
    );
  });

  it('counts refusals by method without naming the caller', async () => {
    const metrics = new Registry();
    const authorizeCounted = createCallerAuthorizer({ lookup, metrics: createAuthMetrics(metrics) });
    authorizeCounted(sa('shop', 'web'), 'catalog');
    const text = await metrics.metrics();
    expect(text).toContain('ensign_sidecar_auth_results_total{method="serviceaccount",result="denied"} 1');
    expect(text).not.toContain('shop');
  });
});
