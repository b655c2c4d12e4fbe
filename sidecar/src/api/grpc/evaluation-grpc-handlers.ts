// grpc-js handlers of flipt.evaluation.EvaluationService: authenticate, evaluate, and translate an
// API error into a gRPC status through the status table. Everything else is the Flipt evaluator's.
import type { Metadata, StatusObject, handleUnaryCall } from '@grpc/grpc-js';
import type { EvaluationServiceServer } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { ApiError, ApiResult } from '../api-error.ts';
import type { AuthRequest, AuthResult, Principal } from '../auth-hooks.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { createFliptEvaluator } from '../flipt-evaluator.ts';
import { STATUS_TABLE } from '../status-table.ts';
import { tracedUnaryCall } from './traced-unary-call.ts';

export function grpcStatus(error: ApiError): Pick<StatusObject, 'code' | 'details'> {
  return { code: STATUS_TABLE[error.kind].grpc, details: error.message };
}

function authRequest(metadata: Metadata): AuthRequest {
  return {
    transport: 'grpc',
    header(name) {
      const value = metadata.get(name)[0];
      return typeof value === 'string' ? value : undefined;
    },
  };
}

export function createEvaluationGrpcHandlers(deps: EvaluationApiDeps): EvaluationServiceServer {
  const evaluator = createFliptEvaluator(deps, 'grpc');

  function unary<Req, Res>(
    method: string,
    run: (request: Req, principal: Principal) => ApiResult<Res>,
  ): handleUnaryCall<Req, Res> {
    const handler: handleUnaryCall<Req, Res> = (call, callback) => {
      const answer = (auth: AuthResult) => {
        if (!auth.ok) {
          deps.metrics.failed('grpc', auth.error.kind);
          callback(grpcStatus(auth.error));
          return;
        }
        const result = run(call.request, auth.principal);
        if (result.ok) callback(null, result.value);
        else callback(grpcStatus(result.error));
      };
      const auth = deps.authenticate(authRequest(call.metadata));
      if (!(auth instanceof Promise)) {
        answer(auth);
        return;
      }
      auth.then(answer, (error: unknown) => {
        deps.logger.error({ err: error }, 'authentication hook failed');
        deps.metrics.failed('grpc', 'INTERNAL');
        callback(grpcStatus({ kind: 'INTERNAL', message: 'authentication failed' }));
      });
    };
    return deps.tracing === undefined
      ? handler
      : tracedUnaryCall(deps.tracing, `flipt.evaluation.EvaluationService/${method}`, handler);
  }

  return {
    boolean: unary('Boolean', (request, principal) => evaluator.boolean(request, principal)),
    variant: unary('Variant', (request, principal) => evaluator.variant(request, principal)),
    batch: unary('Batch', (request, principal) => ({ ok: true, value: evaluator.batch(request, principal) })),
  };
}
