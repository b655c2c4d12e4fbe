// One HTTP endpoint as the router sees it: the method it accepts, how its surface (Flipt REST,
// OFREP, snapshot) writes an error, and the handler that runs once the caller is authenticated.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiName } from '../../observability/metrics.ts';
import type { ApiError } from '../api-error.ts';
import type { Principal } from '../auth-hooks.ts';

export interface Endpoint {
  readonly api: ApiName;
  readonly method: 'GET' | 'POST';
  /** Writes `error` in this surface's error shape with the status-table HTTP status. */
  fail(req: IncomingMessage, res: ServerResponse, error: ApiError, param: string): void;
  /** `param` is the decoded path parameter (flag key, namespace), "" for routes without one. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    principal: Principal,
    param: string,
  ): Promise<void> | void;
}
