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
import type { PresentedToken, TokenAuthenticator, Verdict } from './token-authenticator.ts';

/** Shorter tokens are guessable; refuse them at load rather than accept weak credentials. */
export const MIN_STATIC_TOKEN_LENGTH = 16;

const SERVICE_ACCOUNT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

interface Entry {
  /** SHA-256 of the token. */
  readonly digest: Buffer;
  readonly principal: Principal;
}

/** Parsed static tokens: digests and who each token stands for. */
export type StaticTokenTable = readonly Entry[];

export type StaticTokensParse =
  { readonly ok: true; readonly table: StaticTokenTable } | { readonly ok: false; readonly error: string };

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function digestOf(token: PresentedToken): Buffer {
  return Buffer.from(token.digest, 'base64url');
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
  const table: Entry[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const parsed = parseLine(fields);
    if (typeof parsed === 'string') return { ok: false, error: `line ${i + 1}: ${parsed}` };
    const d = digest(fields[0] ?? '');
    const key = d.toString('hex');
    if (seen.has(key)) return { ok: false, error: `line ${i + 1}: the token is listed twice` };
    seen.add(key);
    table.push({ digest: d, principal: parsed });
  }
  return { ok: true, table };
}

/** Answers synchronously: static tokens are checked in memory. */
export interface StaticTokenAuthenticator extends TokenAuthenticator {
  authenticate(token: PresentedToken): Verdict;
}

/**
 * Compares the token's SHA-256 with every entry's in constant time and without stopping at a
 * match, so the time taken says nothing about which token matched or how much of one was guessed.
 */
export function createStaticTokenAuthenticator(table: () => StaticTokenTable): StaticTokenAuthenticator {
  return {
    method: 'static',
    authenticate(token): Verdict {
      const presented = digestOf(token);
      let match: Entry | undefined;
      for (const entry of table()) if (timingSafeEqual(entry.digest, presented)) match ??= entry;
      return match === undefined ? PASS : { kind: 'authenticated', principal: match.principal };
    },
  };
}
