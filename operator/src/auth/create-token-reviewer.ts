// TokenReview through the API server with the operator's own credentials (RBAC: create
// tokenreviews). Every review asks for the Ensign audience; the answer is judged by
// interpretTokenReview. A failure to reach the API server rejects (callers answer UNAVAILABLE).
import { AuthenticationV1Api, V1TokenReview, V1TokenReviewSpec } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { unverifiedExpiryMs } from '@ensign/core/auth/unverified-jwt.ts';
import { ENSIGN_AUDIENCE, interpretTokenReview, withoutToken } from './token-review.ts';
import type { TokenReviewResult } from './token-review.ts';

export type TokenReviewer = (token: string) => Promise<TokenReviewResult>;

export interface TokenReviewerOptions {
  readonly audience?: string;
}

export class TokenReviewError extends Error {
  override name = 'TokenReviewError';
}

export function createTokenReviewer(
  kubeConfig: KubeConfig,
  options: TokenReviewerOptions = {},
): TokenReviewer {
  const api = kubeConfig.makeApiClient(AuthenticationV1Api);
  const audience = options.audience ?? ENSIGN_AUDIENCE;
  return async (token) => {
    let status;
    try {
      const body = new V1TokenReview();
      body.apiVersion = 'authentication.k8s.io/v1';
      body.kind = 'TokenReview';
      body.spec = new V1TokenReviewSpec();
      body.spec.token = token;
      body.spec.audiences = [audience];
      const review = await api.createTokenReview({ body });
      status = review.status;
    } catch (error) {
      throw new TokenReviewError(`TokenReview request failed: ${describeFailure(error, token)}`);
    }
    return interpretTokenReview(status, audience, { value: token, expiresAtMs: unverifiedExpiryMs(token) });
  };
}

function describeFailure(error: unknown, token: string): string {
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  // client-node puts the whole response in the message; the first line carries the status.
  const first = text.split('\n', 1)[0] ?? '';
  return withoutToken(typeof code === 'number' ? `HTTP ${code}: ${first}` : first, token).slice(0, 300);
}
