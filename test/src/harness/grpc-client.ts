// A Flipt gRPC client as an application would build one: from the .proto, with @grpc/proto-loader,
// knowing nothing of Ensign's code.
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { REPO_ROOT } from './processes.ts';

export interface GrpcEvaluationClient {
  call<T>(method: 'Boolean' | 'Variant' | 'Batch', request: object, metadata?: grpc.Metadata): Promise<T>;
  close(): void;
}

type UnaryMethod<T> = (
  this: grpc.Client,
  request: object,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, response: T) => void,
) => void;

export function fliptGrpcClient(address: string): GrpcEvaluationClient {
  const definition = loadSync(join(REPO_ROOT, 'proto/flipt/evaluation/evaluation.proto'), {
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    flipt: { evaluation: { EvaluationService: grpc.ServiceClientConstructor } };
  };
  const client = new root.flipt.evaluation.EvaluationService(address, grpc.credentials.createInsecure());
  return {
    call<T>(method: string, request: object, metadata = new grpc.Metadata()): Promise<T> {
      return new Promise((resolve, reject) => {
        const fn = (client as unknown as Record<string, UnaryMethod<T> | undefined>)[method];
        if (fn === undefined) throw new Error(`no method ${method}`);
        fn.call(client, request, metadata, (error, response) => {
          if (error !== null) reject(error);
          else resolve(response);
        });
      });
    },
    close: () => {
      client.close();
    },
  };
}
