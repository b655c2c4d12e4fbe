// Flipt's REST gateway routes for the evaluation API: POST /evaluate/v1/{boolean,variant,batch}.
// Bodies are decoded like Flipt's gateway decodes them; answers and errors are Flipt's JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EvaluationRequest } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { ApiError, ApiResult } from '../api-error.ts';
import type { Principal } from '../auth-hooks.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { createFliptEvaluator } from '../flipt-evaluator.ts';
import { STATUS_TABLE } from '../status-table.ts';
import type { Endpoint } from './endpoint.ts';
import { batchResponseJson, booleanResponseJson, statusJson, variantResponseJson } from './flipt-json.ts';
import { parseBatchEvaluationRequest, parseEvaluationRequest } from './flipt-request.ts';
import { readBody } from './read-body.ts';
import { sendJson, wantsPretty } from './responses.ts';

export function sendFliptError(req: IncomingMessage, res: ServerResponse, error: ApiError): void {
  const status = STATUS_TABLE[error.kind];
  sendJson(res, status.http, statusJson(status.grpc, error.message), {
    pretty: wantsPretty(req),
    headers: error.kind === 'PAYLOAD_TOO_LARGE' ? { connection: 'close' } : {},
  });
}

export function fliptRestEndpoints(
  deps: EvaluationApiDeps,
  maxBodyBytes: number,
): Readonly<Record<'/evaluate/v1/boolean' | '/evaluate/v1/variant' | '/evaluate/v1/batch', Endpoint>> {
  const evaluator = createFliptEvaluator(deps, 'http');

  function endpoint<Req>(
    parse: (body: Buffer) => ApiResult<Req>,
    answer: (request: Req, principal: Principal) => ApiResult<Record<string, unknown>>,
  ): Endpoint {
    return {
      api: 'http',
      method: 'POST',
      fail: sendFliptError,
      async handle(req, res, principal) {
        const body = await readBody(req, maxBodyBytes);
        const request = body.ok ? parse(body.value) : body;
        if (!request.ok) {
          deps.metrics.failed('http', request.error.kind);
          sendFliptError(req, res, request.error);
          return;
        }
        const result = answer(request.value, principal);
        if (result.ok) sendJson(res, 200, result.value, { pretty: wantsPretty(req) });
        else sendFliptError(req, res, result.error);
      },
    };
  }

  const single = (rpc: (r: EvaluationRequest, p: Principal) => ApiResult<Record<string, unknown>>) =>
    endpoint(parseEvaluationRequest, rpc);

  return {
    '/evaluate/v1/boolean': single((request, principal) => {
      const result = evaluator.boolean(request, principal);
      return result.ok ? { ok: true, value: booleanResponseJson(result.value) } : result;
    }),
    '/evaluate/v1/variant': single((request, principal) => {
      const result = evaluator.variant(request, principal);
      return result.ok ? { ok: true, value: variantResponseJson(result.value) } : result;
    }),
    '/evaluate/v1/batch': endpoint(parseBatchEvaluationRequest, (request, principal) => ({
      ok: true,
      value: batchResponseJson(evaluator.batch(request, principal)),
    })),
  };
}
