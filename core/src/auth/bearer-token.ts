// Reads a bearer credential from an Authorization header (HTTP) or `authorization` metadata (gRPC),
// the way Flipt's clients send it: the scheme is case-sensitive and followed by exactly one space.
// Messages never repeat any part of the header: it may be a real credential sent the wrong way.

export type AuthorizationScheme = 'Bearer' | 'JWT';

export type BearerResult =
  | { readonly ok: true; readonly token: string; readonly scheme: AuthorizationScheme }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed'; readonly message: string };

/** Larger than any service-account token or JWT seen in practice; refuses header-stuffing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** RFC 6750 b64token: the characters a bearer token may contain. */
const TOKEN_SYNTAX = /^[A-Za-z0-9\-._~+/]+=*$/;

const SCHEMES: readonly { readonly prefix: string; readonly scheme: AuthorizationScheme }[] = [
  { prefix: 'Bearer ', scheme: 'Bearer' },
  // Flipt's JWT method uses its own scheme name; accepting it costs one prefix test.
  { prefix: 'JWT ', scheme: 'JWT' },
];

const MISSING: BearerResult = {
  ok: false,
  reason: 'missing',
  message: 'missing credentials: send the header "Authorization: Bearer <token>"',
};

const MALFORMED: BearerResult = {
  ok: false,
  reason: 'malformed',
  message:
    'malformed Authorization header: expected "Bearer <token>" (scheme is case-sensitive, one space, token in RFC 6750 syntax)',
};

export function parseAuthorization(value: string | undefined): BearerResult {
  if (value === undefined || value === '') return MISSING;
  for (const { prefix, scheme } of SCHEMES) {
    if (!value.startsWith(prefix)) continue;
    const token = value.slice(prefix.length);
    if (token.length > MAX_TOKEN_LENGTH || !TOKEN_SYNTAX.test(token)) return MALFORMED;
    return { ok: true, token, scheme };
  }
  return MALFORMED;
}

/** Whether `token` has bearer-token syntax (used to validate configured static tokens). */
export function isBearerTokenSyntax(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && TOKEN_SYNTAX.test(token);
}
