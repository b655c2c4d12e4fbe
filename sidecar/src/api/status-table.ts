// The one place where an API outcome becomes a transport status. gRPC handlers, the Flipt REST
// gateway, OFREP, the snapshot endpoint and the error metrics all read this table, so a kind means
// the same thing on every surface.
import { status } from '@grpc/grpc-js';

/** Every way an API call can fail, independent of transport. */
export type OutcomeKind =
  | 'NOT_FOUND'
  | 'WRONG_TYPE'
  | 'INVALID_REQUEST'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE';

export interface TransportStatus {
  /** gRPC status code (google.rpc.Code); also the `code` of Flipt's JSON error bodies. */
  readonly grpc: status;
  /** HTTP status code. */
  readonly http: number;
}

export const STATUS_TABLE: Readonly<Record<OutcomeKind, TransportStatus>> = {
  NOT_FOUND: { grpc: status.NOT_FOUND, http: 404 },
  WRONG_TYPE: { grpc: status.INVALID_ARGUMENT, http: 400 },
  INVALID_REQUEST: { grpc: status.INVALID_ARGUMENT, http: 400 },
  UNAUTHENTICATED: { grpc: status.UNAUTHENTICATED, http: 401 },
  PERMISSION_DENIED: { grpc: status.PERMISSION_DENIED, http: 403 },
  UNAVAILABLE: { grpc: status.UNAVAILABLE, http: 503 },
  INTERNAL: { grpc: status.INTERNAL, http: 500 },
  // HTTP-only outcomes; the gRPC code is what the JSON error body's `code` field reports.
  ROUTE_NOT_FOUND: { grpc: status.NOT_FOUND, http: 404 },
  METHOD_NOT_ALLOWED: { grpc: status.UNIMPLEMENTED, http: 405 },
  // grpc-gateway would say 429 for RESOURCE_EXHAUSTED; an oversized body is the caller's fault, not a rate limit.
  PAYLOAD_TOO_LARGE: { grpc: status.RESOURCE_EXHAUSTED, http: 413 },
};

export const OUTCOME_KINDS = Object.keys(STATUS_TABLE) as readonly OutcomeKind[];

export function transportStatus(kind: OutcomeKind): TransportStatus {
  return STATUS_TABLE[kind];
}
