// Reads a JWT's payload WITHOUT checking its signature. Use it only for bookkeeping that a
// verified answer backs up: a cache lifetime never past `exp` (after a TokenReview accepted the
// token) or picking which verifier to try by `iss`. Never grant anything because of it.

export interface UnverifiedClaims {
  readonly iss?: string;
  /** Seconds since the epoch. */
  readonly exp?: number;
}

const MAX_PAYLOAD_CHARS = 12 * 1024;

export function readUnverifiedClaims(token: string): UnverifiedClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = parts[1] ?? '';
  if (payload === '' || payload.length > MAX_PAYLOAD_CHARS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const claims = parsed as Record<string, unknown>;
  const out: { iss?: string; exp?: number } = {};
  if (typeof claims.iss === 'string') out.iss = claims.iss;
  if (typeof claims.exp === 'number' && Number.isFinite(claims.exp)) out.exp = claims.exp;
  return out;
}

/** The token's `exp` in milliseconds since the epoch, if it is a JWT that has one. */
export function unverifiedExpiryMs(token: string): number | undefined {
  const exp = readUnverifiedClaims(token)?.exp;
  return exp === undefined ? undefined : exp * 1000;
}
