import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { loadReflectionPackage } from './reflection-package.ts';
import { jsonName, mapEntryName } from './repair-descriptors.ts';

function reflectedFiles(): FileDescriptorProto[] {
  const byName = new Map<string, FileDescriptorProto>();
  for (const definition of Object.values(loadReflectionPackage())) {
    if (!('fileDescriptorProtos' in definition)) continue;
    for (const bytes of definition.fileDescriptorProtos as Uint8Array[]) {
      const file = fromBinary(FileDescriptorProtoSchema, bytes);
      byName.set(file.name, file);
    }
  }
  return [...byName.values()];
}

function fileDeclaring(files: FileDescriptorProto[], pkg: string): FileDescriptorProto {
  const file = files.find((f) => f.package === pkg);
  if (!file) throw new Error(`no file for ${pkg}`);
  return file;
}

describe('repaired reflection descriptors', () => {
  it('link into a registry the way a strict client links them, with every type resolvable', () => {
    const files = reflectedFiles();
    // Dependencies first, as a protoc descriptor set lists them.
    const ordered = [...files].sort((a, b) => a.dependency.length - b.dependency.length);
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
    const service = registry.getService('flipt.evaluation.EvaluationService');
    expect(service?.methods.map((m) => `${m.name}:${m.input.typeName}->${m.output.typeName}`)).toEqual([
      'Boolean:flipt.evaluation.EvaluationRequest->flipt.evaluation.BooleanEvaluationResponse',
      'Variant:flipt.evaluation.EvaluationRequest->flipt.evaluation.VariantEvaluationResponse',
      'Batch:flipt.evaluation.BatchEvaluationRequest->flipt.evaluation.BatchEvaluationResponse',
    ]);
    const timestamp = registry.getMessage('flipt.evaluation.VariantEvaluationResponse')?.field['timestamp'];
    expect(timestamp?.message?.typeName).toBe('google.protobuf.Timestamp');
    expect(registry.getService('grpc.health.v1.Health')).toBeDefined();
  });

  it('declare the file holding Timestamp as a dependency of the evaluation file', () => {
    const files = reflectedFiles();
    const evaluation = fileDeclaring(files, 'flipt.evaluation');
    expect(evaluation.dependency).toEqual([fileDeclaring(files, 'google.protobuf').name]);
  });

  it('name map entries as protoc does and qualify references fully', () => {
    const request = fileDeclaring(reflectedFiles(), 'flipt.evaluation').messageType.find(
      (m) => m.name === 'EvaluationRequest',
    );
    expect(request?.nestedType.map((n) => n.name)).toEqual(['ContextEntry']);
    expect(request?.field.find((f) => f.name === 'context')?.typeName).toBe(
      '.flipt.evaluation.EvaluationRequest.ContextEntry',
    );
    expect(request?.field.find((f) => f.name === 'request_id')?.jsonName).toBe('requestId');
  });

  it('encode `reserved 2` as the exclusive range [2, 3)', () => {
    const batch = fileDeclaring(reflectedFiles(), 'flipt.evaluation').messageType.find(
      (m) => m.name === 'BatchEvaluationRequest',
    );
    expect(batch?.reservedRange.map((r) => [r.start, r.end])).toEqual([[2, 3]]);
  });

  it.each([
    ['context', 'ContextEntry', 'context'],
    ['known_revisions', 'KnownRevisionsEntry', 'knownRevisions'],
    ['statuses', 'StatusesEntry', 'statuses'],
  ])('derives protoc names from the field %s', (field, entry, json) => {
    expect(mapEntryName(field)).toBe(entry);
    expect(jsonName(field)).toBe(json);
  });
});
