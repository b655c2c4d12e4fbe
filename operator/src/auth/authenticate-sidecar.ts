// Who is calling the sync service: the bearer token in the call's `authorization` metadata must be
// a service-account token for the Ensign audience that the API server accepts (TokenReview).
import * as grpc from '@grpc/grpc-js';
import { parseAuthorization } from '@ensign/core/auth/bearer-token.ts';
import type { ServiceAccountName, TokenReviewResult } from './token-review.ts';

/** A review, cached or not; may answer synchronously from a cache. Rejects when it cannot review. */
export type ReviewToken = (token: string) => TokenReviewResult | Promise<TokenReviewResult>;

export interface SidecarIdentity extends ServiceAccountName {
  readonly username: string;
}

export type SidecarAuthentication =
  | { readonly ok: true; readonly identity: SidecarIdentity }
  | { readonly ok: false; readonly code: grpc.status; readonly message: string };

function firstString(metadata: grpc.Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

export async function authenticateSidecar(
  metadata: grpc.Metadata,
  reviewToken: ReviewToken,
): Promise<SidecarAuthentication> {
  const bearer = parseAuthorization(firstString(metadata, 'authorization'));
  if (!bearer.ok)
    return {
      ok: false,
      code: grpc.status.UNAUTHENTICATED,
      message: `sidecar authentication: ${bearer.message} with the sidecar's projected service-account token (audience "ensign")`,
    };
  let review: TokenReviewResult;
  try {
    review = await reviewToken(bearer.token);
  } catch (error) {
    return {
      ok: false,
      code: grpc.status.UNAVAILABLE,
      message: `sidecar authentication: cannot review the token now (${error instanceof Error ? error.message : 'unknown error'}); retry`,
    };
  }
  if (!review.authenticated)
    return {
      ok: false,
      code: grpc.status.UNAUTHENTICATED,
      message: `sidecar authentication: token rejected: ${review.error}`,
    };
  if (review.serviceAccount === undefined)
    return {
      ok: false,
      code: grpc.status.PERMISSION_DENIED,
      message: `sidecar authentication: "${review.username}" is not a service account; only sidecars (service-account tokens) may use the sync service`,
    };
  return { ok: true, identity: { ...review.serviceAccount, username: review.username } };
}
