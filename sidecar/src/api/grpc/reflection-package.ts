// gRPC server reflection needs descriptors, which ts-proto's output does not carry; they are loaded
// from the same .proto files the code was generated from (they ship in the image with the proto
// package) plus grpc-health-check's health.proto.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import type { PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { repairPackageDefinition } from './repair-descriptors.ts';

/** The root of the @ensign/proto package, which holds `flipt/evaluation/evaluation.proto`. */
export function defaultProtoRoot(): string {
  const generated = createRequire(import.meta.url).resolve('@ensign/proto/flipt/evaluation/evaluation.ts');
  // <root>/gen/flipt/evaluation/evaluation.ts
  return resolve(dirname(generated), '..', '..', '..');
}

export const EVALUATION_PROTO = 'flipt/evaluation/evaluation.proto';

export function loadReflectionPackage(protoRoot: string = defaultProtoRoot()): PackageDefinition {
  const pkg = loadSync([join(protoRoot, EVALUATION_PROTO), healthProtoPath], {
    includeDirs: [protoRoot],
    keepCase: true,
  });
  return repairPackageDefinition(pkg);
}
