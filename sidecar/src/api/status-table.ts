// The one place where an API outcome becomes a transport status. gRPC handlers, the Flipt REST
// gateway, OFREP, the snapshot endpoint and the error metrics all read this table, so a kind means
// the same thing on every surface.

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
  /** gRPC status code (google.rpc.Code). */
  readonly grpc: number;
  /** HTTP status code. */
  readonly http: number;
}

export const STATUS_TABLE: Readonly<Record<OutcomeKind, TransportStatus>> = {
  NOT_FOUND: { grpc: 5, http: 404 },
  WRONG_TYPE: { grpc: 3, http: 400 },
  INVALID_REQUEST: { grpc: 3, http: 400 },
  UNAUTHENTICATED: { grpc: 16, http: 401 },
  PERMISSION_DENIED: { grpc: 7, http: 403 },
  UNAVAILABLE: { grpc: 14, http: 503 },
  INTERNAL: { grpc: 13, http: 500 },
  // HTTP-only outcomes; the gRPC code is what the JSON error body's `code` field reports.
  ROUTE_NOT_FOUND: { grpc: 5, http: 404 },
  METHOD_NOT_ALLOWED: { grpc: 12, http: 405 },
  // grpc-gateway would say 429 for RESOURCE_EXHAUSTED; an oversized body is the caller's fault, not a rate limit.
  PAYLOAD_TOO_LARGE: { grpc: 8, http: 413 },
};

export const OUTCOME_KINDS = Object.keys(STATUS_TABLE) as readonly OutcomeKind[];

export function transportStatus(kind: OutcomeKind): TransportStatus {
  return STATUS_TABLE[kind];
}
