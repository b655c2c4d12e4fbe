// The sidecar's gRPC listener: flipt.evaluation.EvaluationService, grpc.health.v1 (server "" and
// the evaluation service, SERVING exactly while the sidecar is ready) and, when enabled, server
// reflection so grpcurl works without .proto files.
import { Server } from '@grpc/grpc-js';
import type { ServerOptions } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { ServingStatus } from 'grpc-health-check';
import { EvaluationServiceService } from '@ensign/proto/flipt/evaluation/evaluation.ts';
import type { EvaluationApiDeps } from '../evaluation-api-deps.ts';
import { createEvaluationGrpcHandlers } from './evaluation-grpc-handlers.ts';
import { loadReflectionPackage } from './reflection-package.ts';

export const EVALUATION_SERVICE_NAME = 'flipt.evaluation.EvaluationService';

export interface EvaluationGrpcDeps extends EvaluationApiDeps {
  /** Serve grpc.reflection.v1 and v1alpha. */
  readonly reflection: boolean;
  /** Directory holding `flipt/evaluation/evaluation.proto`; defaults to the @ensign/proto package. */
  readonly protoRoot?: string;
  readonly serverOptions?: ServerOptions;
}

export function createEvaluationGrpcServer(deps: EvaluationGrpcDeps): Server {
  const server = new Server(deps.serverOptions);
  server.addService(EvaluationServiceService, createEvaluationGrpcHandlers(deps));

  const status = (): ServingStatus =>
    deps.readiness.notReadyReason() === undefined ? 'SERVING' : 'NOT_SERVING';
  const health = new HealthImplementation({ '': status(), [EVALUATION_SERVICE_NAME]: status() });
  deps.readiness.subscribe(() => {
    const next = status();
    health.setStatus('', next);
    health.setStatus(EVALUATION_SERVICE_NAME, next);
  });
  health.addToServer(server);

  if (deps.reflection) new ReflectionService(loadReflectionPackage(deps.protoRoot)).addToServer(server);
  return server;
}
