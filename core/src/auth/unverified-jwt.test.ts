import { describe, expect, it } from 'vitest';
import { readUnverifiedClaims, unverifiedExpiryMs } from './unverified-jwt.ts';

function jwt(payload: unknown): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('readUnverifiedClaims', () => {
  it('reads iss and exp from the payload', () => {
    expect(readUnverifiedClaims(jwt({ iss: 'https://issuer', exp: 1_700_000_000, sub: 'x' }))).toEqual({
      iss: 'https://issuer',
      exp: 1_700_000_000,
    });
  });

  it('ignores claims of the wrong type', () => {
    expect(readUnverifiedClaims(jwt({ iss: 7, exp: '1700000000' }))).toEqual({});
  });

  it.each([
    ['an opaque token', 'opaque-static-token'],
    ['two parts', 'a.b'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c'],
    ['a JSON array payload', jwt([1, 2])],
    ['an empty payload', 'a..c'],
  ])('gives nothing for %s', (_what, token) => {
    expect(readUnverifiedClaims(token)).toBeUndefined();
  });
});

describe('unverifiedExpiryMs', () => {
  it('converts exp seconds to milliseconds', () => {
    expect(unverifiedExpiryMs(jwt({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
  });

  it('is undefined without exp', () => {
    expect(unverifiedExpiryMs(jwt({ sub: 'x' }))).toBeUndefined();
  });
});
