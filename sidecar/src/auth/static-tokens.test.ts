import { describe, expect, it } from 'vitest';
import { createStaticTokenAuthenticator, parseStaticTokens } from './static-tokens.ts';
import { presentedToken } from './token-authenticator.ts';

const WEB = 'web-token-0123456789abcdef';
const BATCH = 'batch-token-0123456789abcdef';

const FILE = `# callers of the shop namespace
${WEB} shop

   ${BATCH}\tbatch/nightly   
`;

describe('parseStaticTokens', () => {
  it('reads namespace and namespace/serviceaccount lines, skipping comments and blank lines', () => {
    const parsed = parseStaticTokens(FILE);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const authenticator = createStaticTokenAuthenticator(() => parsed.table);
    const authenticate = (token: string) => authenticator.authenticate(presentedToken(token));
    expect(authenticate(WEB)).toEqual({
      kind: 'authenticated',
      principal: { subject: 'static:shop', namespace: 'shop', method: 'static' },
    });
    expect(authenticate(BATCH)).toEqual({
      kind: 'authenticated',
      principal: {
        subject: 'static:batch/nightly',
        namespace: 'batch',
        serviceAccount: 'nightly',
        method: 'static',
      },
    });
  });

  it('accepts an empty file', () => {
    expect(parseStaticTokens('# nothing yet\n')).toMatchObject({ ok: true });
  });

  it.each([
    ['a line without a namespace', WEB, /line 1: expected "<token> <namespace>"/],
    ['a line with three fields', `${WEB} shop extra`, /line 1: expected/],
    ['a short token', 'short-token shop', /line 1: the token is shorter than 16 characters/],
    ['a token with odd characters', 'abcdefgh,ijklmnopq shop', /line 1: the token has characters/],
    ['a bad namespace', `${WEB} Shop_1`, /line 1: "Shop_1" is not a namespace/],
    ['a bad service account', `${WEB} shop/Web_1`, /line 1: "Web_1" is not a service-account name/],
    ['two slashes', `${WEB} shop/web/x`, /line 1: "shop\/web\/x" is not a namespace/],
    ['a duplicate token', `# one\n${WEB} shop\n${WEB} other`, /line 3: the token is listed twice/],
  ])('refuses %s, naming the line and never the token', (_what, text, message) => {
    const parsed = parseStaticTokens(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(message);
    expect(parsed.error).not.toContain(WEB);
    expect(parsed.error).not.toContain('abcdefgh');
  });
});

describe('createStaticTokenAuthenticator', () => {
  const parsed = parseStaticTokens(FILE);
  const authenticator = createStaticTokenAuthenticator(() => (parsed.ok ? parsed.table : []));

  it('passes tokens it does not know to the next authenticator', () => {
    expect(authenticator.authenticate(presentedToken('unknown-token-0123456789'))).toEqual({ kind: 'pass' });
    expect(authenticator.authenticate(presentedToken(WEB.slice(0, -1)))).toEqual({ kind: 'pass' });
    expect(authenticator.authenticate(presentedToken(`${WEB}x`))).toEqual({ kind: 'pass' });
  });

  it('reads the table on every call, so a reloaded file applies at once', () => {
    let table = parsed.ok ? parsed.table : [];
    const live = createStaticTokenAuthenticator(() => table);
    expect(live.authenticate(presentedToken(WEB)).kind).toBe('authenticated');
    const next = parseStaticTokens(`${BATCH} batch`);
    if (next.ok) table = next.table;
    expect(live.authenticate(presentedToken(WEB)).kind).toBe('pass');
  });
});
