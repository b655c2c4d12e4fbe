import { describe, expect, it } from 'vitest';
import { Access } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { accessAdmits } from './access-admits.ts';
import type { CallerIdentity } from './access-admits.ts';

const shopAccess = Access.fromPartial({
  namespaces: ['checkout'],
  serviceAccounts: [{ namespace: 'batch', name: 'nightly' }],
});

describe('accessAdmits', () => {
  it.each<[string, Access | undefined, CallerIdentity, boolean]>([
    ['its own namespace without any access policy', undefined, { namespace: 'shop' }, true],
    [
      'its own namespace as a service account',
      shopAccess,
      { namespace: 'shop', serviceAccount: 'web' },
      true,
    ],
    ['another namespace without a policy', undefined, { namespace: 'checkout' }, false],
    ['a namespace the policy names', shopAccess, { namespace: 'checkout', serviceAccount: 'api' }, true],
    [
      'a namespace the policy does not name',
      shopAccess,
      { namespace: 'billing', serviceAccount: 'api' },
      false,
    ],
    [
      'the exact service account the policy names',
      shopAccess,
      { namespace: 'batch', serviceAccount: 'nightly' },
      true,
    ],
    [
      'another service account of that namespace',
      shopAccess,
      { namespace: 'batch', serviceAccount: 'hourly' },
      false,
    ],
    ['that namespace without a service account', shopAccess, { namespace: 'batch' }, false],
    [
      'the service account name in another namespace',
      shopAccess,
      { namespace: 'other', serviceAccount: 'nightly' },
      false,
    ],
  ])('decides %s', (_what, access, caller, expected) => {
    expect(accessAdmits('shop', access, caller)).toBe(expected);
  });

  it('gives the same answer again from the compiled sets', () => {
    const caller = { namespace: 'batch', serviceAccount: 'nightly' };
    expect(accessAdmits('shop', shopAccess, caller)).toBe(true);
    expect(accessAdmits('shop', shopAccess, caller)).toBe(true);
  });
});
