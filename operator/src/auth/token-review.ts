// What a TokenReview means for Ensign. The API server must have authenticated the token AND
// confirmed it was issued for our audience: `authenticated: true` with no audiences means the token
// is only good for the API server itself (a pod's default token, or one replayed from elsewhere).

/** The audience of the projected tokens sidecars and applications present. */
export const ENSIGN_AUDIENCE = 'ensign';

export interface ServiceAccountName {
  readonly namespace: string;
  readonly name: string;
}

export type TokenReviewResult =
  | {
      readonly authenticated: true;
      readonly username: string;
      readonly groups: readonly string[];
      /** Set when the token belongs to a service account. */
      readonly serviceAccount?: ServiceAccountName | undefined;
      /** The token's `exp` (trustworthy once the API server accepted the token), ms since the epoch. */
      readonly expiresAtMs?: number | undefined;
    }
  | { readonly authenticated: false; readonly error: string; readonly expiresAtMs?: undefined };

/** The parts of a TokenReview status this module reads (client-node's V1TokenReviewStatus fits). */
export interface TokenReviewStatusLike {
  readonly authenticated?: boolean | undefined;
  readonly audiences?: readonly string[] | undefined;
  readonly error?: string | undefined;
  readonly user?:
    { readonly username?: string | undefined; readonly groups?: readonly string[] | undefined } | undefined;
}

const SA_PREFIX = 'system:serviceaccount:';

export function parseServiceAccountUsername(username: string): ServiceAccountName | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(SA_PREFIX.length).split(':');
  if (namespace === undefined || name === undefined || namespace === '' || name === '' || rest.length > 0)
    return undefined;
  return { namespace, name };
}

/** Removes the token from a message that came from elsewhere, in case it was echoed. */
export function withoutToken(message: string, token: string): string {
  return token === '' ? message : message.replaceAll(token, '[REDACTED]');
}

export function interpretTokenReview(
  status: TokenReviewStatusLike | undefined,
  audience: string,
  token: { readonly value: string; readonly expiresAtMs: number | undefined },
): TokenReviewResult {
  const refuse = (error: string): TokenReviewResult => ({
    authenticated: false,
    error: withoutToken(error, token.value),
  });
  if (status === undefined) return refuse('the API server returned no review status');
  if (status.error !== undefined && status.error !== '') return refuse(status.error);
  if (status.authenticated !== true) return refuse('the token was not authenticated');
  const audiences = status.audiences ?? [];
  if (!audiences.includes(audience))
    return refuse(
      audiences.length === 0
        ? `the token is not valid for audience "${audience}" (it is an API-server token; mount a projected token with audience "${audience}")`
        : `the token is not valid for audience "${audience}" (issued for ${audiences.map((a) => `"${a}"`).join(', ')})`,
    );
  const username = status.user?.username ?? '';
  if (username === '') return refuse('the review names no user');
  return {
    authenticated: true,
    username,
    groups: [...(status.user?.groups ?? [])],
    serviceAccount: parseServiceAccountUsername(username),
    expiresAtMs: token.expiresAtMs,
  };
}
