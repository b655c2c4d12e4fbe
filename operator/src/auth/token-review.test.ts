import { describe, expect, it } from 'vitest';
import { interpretTokenReview, parseServiceAccountUsername, withoutToken } from './token-review.ts';
import type { TokenReviewStatusLike } from './token-review.ts';

const token = { value: 'eyJ.secret.sig', expiresAtMs: 1_700_000_000_000 };
const saUser = { username: 'system:serviceaccount:shop:web', groups: ['system:serviceaccounts'] };

describe('interpretTokenReview', () => {
  it('accepts an authenticated service-account token issued for our audience', () => {
    expect(
      interpretTokenReview({ authenticated: true, audiences: ['ensign'], user: saUser }, 'ensign', token),
    ).toEqual({
      authenticated: true,
      username: 'system:serviceaccount:shop:web',
      groups: ['system:serviceaccounts'],
      serviceAccount: { namespace: 'shop', name: 'web' },
      expiresAtMs: 1_700_000_000_000,
    });
  });

  it.each<[string, TokenReviewStatusLike | undefined, RegExp]>([
    ['no status', undefined, /no review status/],
    [
      'an error from the API server',
      { authenticated: false, error: 'token has expired' },
      /token has expired/,
    ],
    ['authenticated false', { authenticated: false }, /not authenticated/],
    [
      'an authenticated token with an error',
      { authenticated: true, audiences: ['ensign'], error: 'x' },
      /^x$/,
    ],
    [
      'no audiences (an API-server token)',
      { authenticated: true, audiences: [], user: saUser },
      /API-server token/,
    ],
    ['missing audiences', { authenticated: true, user: saUser }, /API-server token/],
    ['another audience', { authenticated: true, audiences: ['vault'], user: saUser }, /issued for "vault"/],
    ['no user name', { authenticated: true, audiences: ['ensign'], user: {} }, /names no user/],
  ])('refuses %s', (_what, status, message) => {
    const result = interpretTokenReview(status, 'ensign', token);
    expect(result.authenticated).toBe(false);
    if (!result.authenticated) expect(result.error).toMatch(message);
  });

  it('never repeats the token in its error', () => {
    const result = interpretTokenReview({ error: `bad token ${token.value}` }, 'ensign', token);
    expect(result).toEqual({ authenticated: false, error: 'bad token [REDACTED]' });
  });

  it('accepts a user that is not a service account, without a service account', () => {
    const result = interpretTokenReview(
      { authenticated: true, audiences: ['ensign'], user: { username: 'alice' } },
      'ensign',
      token,
    );
    expect(result).toMatchObject({ authenticated: true, username: 'alice', serviceAccount: undefined });
  });
});

describe('parseServiceAccountUsername', () => {
  it.each([
    ['system:serviceaccount:shop:web', { namespace: 'shop', name: 'web' }],
    ['system:serviceaccount:shop', undefined],
    ['system:serviceaccount::web', undefined],
    ['system:serviceaccount:a:b:c', undefined],
    ['system:node:worker-1', undefined],
  ])('reads %s', (username, expected) => {
    expect(parseServiceAccountUsername(username)).toEqual(expected);
  });
});

describe('withoutToken', () => {
  it('redacts every occurrence and leaves other text', () => {
    expect(withoutToken('a tok b tok', 'tok')).toBe('a [REDACTED] b [REDACTED]');
    expect(withoutToken('nothing here', '')).toBe('nothing here');
  });
});
