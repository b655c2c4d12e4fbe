import { describe, expect, it } from 'vitest';
import { isBearerTokenSyntax, MAX_TOKEN_LENGTH, parseAuthorization } from './bearer-token.ts';

describe('parseAuthorization', () => {
  it('reads the token after "Bearer " with one space', () => {
    expect(parseAuthorization('Bearer abc.def-ghi_jkl~/+==')).toEqual({
      ok: true,
      token: 'abc.def-ghi_jkl~/+==',
      scheme: 'Bearer',
    });
  });

  it('accepts Flipt’s "JWT " scheme as well', () => {
    expect(parseAuthorization('JWT a.b.c')).toEqual({ ok: true, token: 'a.b.c', scheme: 'JWT' });
  });

  it.each([undefined, ''])('reports a missing header for %j', (value) => {
    expect(parseAuthorization(value)).toMatchObject({ ok: false, reason: 'missing' });
  });

  it.each([
    ['a lower-case scheme', 'bearer abc'],
    ['an upper-case scheme', 'BEARER abc'],
    ['two spaces', 'Bearer  abc'],
    ['a tab', 'Bearer\tabc'],
    ['no token', 'Bearer '],
    ['no space', 'Bearerabc'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a space inside the token', 'Bearer abc def'],
    ['a trailing space', 'Bearer abc '],
    ['padding in the middle', 'Bearer ab=c'],
    ['a non-ASCII character', 'Bearer abcé'],
    ['a token that is too long', `Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`],
  ])('calls a header with %s malformed', (_what, value) => {
    expect(parseAuthorization(value)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('never repeats the header in its message', () => {
    const result = parseAuthorization('bearer super-secret-value');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toContain('super-secret-value');
  });
});

describe('isBearerTokenSyntax', () => {
  it('accepts b64token characters and refuses whitespace', () => {
    expect(isBearerTokenSyntax('Zm9v-bar_baz.qux~1+2/3==')).toBe(true);
    expect(isBearerTokenSyntax('with space')).toBe(false);
    expect(isBearerTokenSyntax('')).toBe(false);
  });
});
