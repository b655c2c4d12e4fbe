// Outcomes of API calls as values: the HTTP code and the API server's reason, never a thrown error.

export interface KubeError {
  /** HTTP status code; 0 when no response arrived (network error, timeout, abort). */
  readonly code: number;
  /** The Status reason (`NotFound`, `Conflict`, `Expired`, `Gone`, ...), or `NetworkError` / `Timeout`. */
  readonly reason: string;
  readonly message: string;
}

export type KubeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: KubeError };

export function ok<T>(value: T): KubeResult<T> {
  return { ok: true, value };
}

export function failure<T = never>(code: number, reason: string, message: string): KubeResult<T> {
  return { ok: false, error: { code, reason, message } };
}

export const HTTP_NOT_FOUND = 404;
export const HTTP_CONFLICT = 409;
export const HTTP_GONE = 410;

/** A Kubernetes `Status` object's fields, read defensively from a response body. */
export function errorFromStatus(httpCode: number, body: unknown, fallback: string): KubeError {
  if (typeof body === 'object' && body !== null) {
    const status = body as { code?: unknown; reason?: unknown; message?: unknown };
    return {
      code: typeof status.code === 'number' && status.code > 0 ? status.code : httpCode,
      reason: typeof status.reason === 'string' && status.reason !== '' ? status.reason : fallback,
      message: typeof status.message === 'string' ? status.message : fallback,
    };
  }
  return { code: httpCode, reason: fallback, message: fallback };
}

/** One line for logs: `409 Conflict: the object has been modified`. */
export function describeKubeError(error: KubeError): string {
  return `${error.code === 0 ? 'no response' : String(error.code)} ${error.reason}: ${error.message}`;
}
