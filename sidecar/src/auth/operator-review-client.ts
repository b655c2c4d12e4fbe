// Asks the operator to review an application's service-account token (ReviewToken). The request
// carries this sidecar's own token; the operator checks it first. A connection failure re-reads
// the CA bundle and, if it changed, retries once on a new channel.
import * as grpc from '@grpc/grpc-js';
import { RuleSetServiceService } from '@ensign/proto/ensign/sync/v1/sync.ts';
import type { ReviewTokenRequest, ReviewTokenResponse } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { unverifiedExpiryMs } from '@ensign/core/auth/unverified-jwt.ts';
import type { ChannelSecurity } from '../sync/operator-channel.ts';

export type OperatorReview =
  | {
      readonly authenticated: true;
      readonly username: string;
      /** Empty for tokens that are not service-account tokens. */
      readonly namespace: string;
      readonly serviceAccount: string;
      readonly expiresAtMs: number | undefined;
    }
  | { readonly authenticated: false; readonly error: string; readonly expiresAtMs?: undefined };

/** The operator could not give an answer; says nothing about the token. */
export class ReviewUnavailableError extends Error {
  override name = 'ReviewUnavailableError';
}

export interface OperatorReviewClientDeps {
  readonly address: string;
  readonly security: () => Promise<ChannelSecurity>;
  readonly metadata: () => Promise<grpc.Metadata>;
  /** Default 5 s. */
  readonly timeoutMs?: number;
  readonly now: () => number;
}

export interface OperatorReviewClient {
  review(token: string): Promise<OperatorReview>;
  close(): void;
}

export function toOperatorReview(response: ReviewTokenResponse, token: string): OperatorReview {
  if (!response.authenticated)
    return {
      authenticated: false,
      error: response.error === '' ? 'token not authenticated' : response.error,
    };
  return {
    authenticated: true,
    username: response.username,
    namespace: response.namespace,
    serviceAccount: response.serviceAccount,
    expiresAtMs: response.expiresAt > 0 ? response.expiresAt * 1000 : unverifiedExpiryMs(token),
  };
}

function explain(error: grpc.ServiceError): string {
  if (error.code === grpc.status.UNIMPLEMENTED)
    return 'the operator does not review service-account tokens (it runs without a Kubernetes API server)';
  if (error.code === grpc.status.UNAUTHENTICATED || error.code === grpc.status.PERMISSION_DENIED)
    return `the operator refused this sidecar: ${error.details}`;
  return `operator ${grpc.status[error.code]}: ${error.details}`;
}

export function createOperatorReviewClient(deps: OperatorReviewClientDeps): OperatorReviewClient {
  let current: { security: ChannelSecurity; client: grpc.Client } | undefined;
  const clientFor = (security: ChannelSecurity): grpc.Client => {
    if (current?.security === security) return current.client;
    current?.client.close();
    current = { security, client: new grpc.Client(deps.address, security.credentials, security.options) };
    return current.client;
  };
  const call = (client: grpc.Client, request: ReviewTokenRequest, metadata: grpc.Metadata) =>
    new Promise<ReviewTokenResponse>((resolve, reject) => {
      const m = RuleSetServiceService.reviewToken;
      client.makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        request,
        metadata,
        { deadline: deps.now() + (deps.timeoutMs ?? 5_000) },
        (error, response) => {
          if (error) reject(error);
          else if (response === undefined) reject(new ReviewUnavailableError('operator sent no answer'));
          else resolve(response);
        },
      );
    });
  const securityNow = async (): Promise<ChannelSecurity> => {
    try {
      return await deps.security();
    } catch (error) {
      throw new ReviewUnavailableError(error instanceof Error ? error.message : String(error));
    }
  };

  return {
    async review(token) {
      let metadata: grpc.Metadata;
      try {
        metadata = await deps.metadata();
      } catch (error) {
        throw new ReviewUnavailableError(error instanceof Error ? error.message : String(error));
      }
      const request = { token };
      const first = current?.security ?? (await securityNow());
      try {
        return toOperatorReview(await call(clientFor(first), request, metadata), token);
      } catch (error) {
        const e = error as grpc.ServiceError;
        if (e.code !== grpc.status.UNAVAILABLE) throw new ReviewUnavailableError(explain(e));
        const fresh = await securityNow();
        if (fresh === first) throw new ReviewUnavailableError(explain(e));
        try {
          return toOperatorReview(await call(clientFor(fresh), request, metadata), token);
        } catch (retryError) {
          throw new ReviewUnavailableError(explain(retryError as grpc.ServiceError));
        }
      }
    },
    close() {
      current?.client.close();
      current = undefined;
    },
  };
}
