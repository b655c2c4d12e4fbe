// The static token file (--static-tokens-file; typically a mounted Secret). One token per line:
//
//   # comments and blank lines are ignored
//   <token> <namespace>              a caller of that namespace
//   <token> <namespace>/<name>       that service account
//
// Tokens are kept only as SHA-256 digests. Errors name line numbers, never token text.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isBearerTokenSyntax } from '@ensign/core/auth/bearer-token.ts';
import { NAMESPACE_NAME } from '@ensign/core/option-schemas.ts';
import type { Principal } from '../api/auth-hooks.ts';
import { PASS } from './token-authenticator.ts';
import type { TokenAuthenticator, Verdict } from './token-authenticator.ts';

/** Shorter tokens are guessable; refuse them at load rather than accept weak credentials. */
export const MIN_STATIC_TOKEN_LENGTH = 16;

const SERVICE_ACCOUNT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

interface Entry {
  readonly digest: Buffer;
  readonly principal: Principal;
}

/** Parsed static tokens: digest (hex) → who the token stands for. */
export type StaticTokenTable = ReadonlyMap<string, Entry>;

export type StaticTokensParse =
  { readonly ok: true; readonly table: StaticTokenTable } | { readonly ok: false; readonly error: string };

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function parseLine(fields: readonly string[]): Principal | string {
  const [token, who, ...rest] = fields;
  if (token === undefined || who === undefined || rest.length > 0)
    return 'expected "<token> <namespace>" or "<token> <namespace>/<serviceaccount>"';
  if (!isBearerTokenSyntax(token)) return 'the token has characters a bearer token may not contain';
  if (token.length < MIN_STATIC_TOKEN_LENGTH)
    return `the token is shorter than ${MIN_STATIC_TOKEN_LENGTH} characters`;
  const [namespace = '', serviceAccount, ...extra] = who.split('/');
  if (extra.length > 0 || !NAMESPACE_NAME.test(namespace))
    return `"${who}" is not a namespace or namespace/serviceaccount`;
  if (serviceAccount !== undefined && !SERVICE_ACCOUNT_NAME.test(serviceAccount))
    return `"${serviceAccount}" is not a service-account name`;
  return serviceAccount === undefined
    ? { subject: `static:${namespace}`, namespace, method: 'static' }
    : {
        subject: `static:${namespace}/${serviceAccount}`,
        namespace,
        serviceAccount,
        method: 'static',
      };
}

export function parseStaticTokens(text: string): StaticTokensParse {
  const table = new Map<string, Entry>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const parsed = parseLine(fields);
    if (typeof parsed === 'string') return { ok: false, error: `line ${i + 1}: ${parsed}` };
    const d = digest(fields[0] ?? '');
    const key = d.toString('hex');
    if (table.has(key)) return { ok: false, error: `line ${i + 1}: the token is listed twice` };
    table.set(key, { digest: d, principal: parsed });
  }
  return { ok: true, table };
}

/** Answers synchronously: static tokens are checked in memory. */
export interface StaticTokenAuthenticator extends TokenAuthenticator {
  authenticate(token: string): Verdict;
}

/**
 * Looks the token up by its SHA-256, so the time taken does not depend on how many leading
 * characters of a real token a caller guessed; the final comparison is constant-time as well.
 */
export function createStaticTokenAuthenticator(table: () => StaticTokenTable): StaticTokenAuthenticator {
  return {
    method: 'static',
    authenticate(token): Verdict {
      const presented = digest(token);
      const entry = table().get(presented.toString('hex'));
      if (entry === undefined || !timingSafeEqual(entry.digest, presented)) return PASS;
      return { kind: 'authenticated', principal: entry.principal };
    },
  };
}
