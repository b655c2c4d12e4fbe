// The caller-authentication seam. Every evaluation request, on every transport, passes through
// `authenticate` before anything else and through `authorize` for each namespace it reads. The
// defaults admit anonymous callers to every namespace (--auth=none); the real ones are in ../auth/.
import type { ApiError } from './api-error.ts';

export interface Principal {
  /** Who the caller is, for logs and metrics: a user name, `system:serviceaccount:ns:name`, … */
  readonly subject: string;
  /** Kubernetes namespace of the caller when known (service-account tokens). */
  readonly namespace?: string;
  /** The caller's service-account name within `namespace`, when it is one. */
  readonly serviceAccount?: string;
  /** Which authenticator vouched for the caller (for metrics). */
  readonly method?: 'static' | 'jwt' | 'serviceaccount';
}

export const ANONYMOUS: Principal = { subject: 'system:anonymous' };

/** What the hooks may look at: the transport and the request's headers (gRPC metadata). */
export interface AuthRequest {
  readonly transport: 'grpc' | 'http';
  /** First value of a header / metadata key, looked up in lower case. */
  header(name: string): string | undefined;
}

export type AuthResult =
  { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly error: ApiError };

/** May answer synchronously (cached decisions) or asynchronously (a token review). */
export type Authenticate = (request: AuthRequest) => AuthResult | Promise<AuthResult>;

/** Returns an error (PERMISSION_DENIED) when the principal may not read the namespace. */
export type Authorize = (principal: Principal, namespace: string) => ApiError | undefined;

export const allowAnonymous: Authenticate = () => ({ ok: true, principal: ANONYMOUS });

export const allowAllNamespaces: Authorize = () => undefined;
