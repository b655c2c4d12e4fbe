import { describe, expect, it } from 'vitest';
import { principalFromClaims } from './jwt-principal.ts';

const k8sClaims = {
  sub: 'system:serviceaccount:shop:web',
  'kubernetes.io': { namespace: 'shop', serviceaccount: { name: 'web', uid: 'u' }, pod: { name: 'p' } },
};

describe('principalFromClaims', () => {
  it('reads the kubernetes.io claim of a service-account token', () => {
    expect(principalFromClaims(k8sClaims, {})).toEqual({
      subject: 'system:serviceaccount:shop:web',
      method: 'jwt',
      namespace: 'shop',
      serviceAccount: 'web',
    });
  });

  it('falls back to a system:serviceaccount subject', () => {
    expect(principalFromClaims({ sub: 'system:serviceaccount:batch:nightly' }, {})).toMatchObject({
      namespace: 'batch',
      serviceAccount: 'nightly',
    });
  });

  it('uses configured claim names instead of Kubernetes’ shapes', () => {
    const claims = { ...k8sClaims, team_ns: 'checkout', app: 'api' };
    expect(principalFromClaims(claims, { namespace: 'team_ns', serviceAccount: 'app' })).toMatchObject({
      namespace: 'checkout',
      serviceAccount: 'api',
    });
    expect(principalFromClaims(claims, { namespace: 'team_ns' })).toEqual({
      subject: 'system:serviceaccount:shop:web',
      method: 'jwt',
      namespace: 'checkout',
    });
  });

  it.each([
    ['no namespace anywhere', { sub: 'alice' }, {}],
    [
      'a configured claim that is absent',
      { sub: 'alice', 'kubernetes.io': { namespace: 'shop' } },
      { namespace: 'ns' },
    ],
    ['a configured claim that is not a string', { sub: 'alice', ns: ['shop'] }, { namespace: 'ns' }],
  ])('leaves the namespace out for %s', (_what, claims, names) => {
    const principal = principalFromClaims(claims, names);
    expect(principal.namespace).toBeUndefined();
    expect(principal.serviceAccount).toBeUndefined();
  });

  it('names a token without sub "jwt"', () => {
    expect(principalFromClaims({}, {}).subject).toBe('jwt');
  });
});
