// proto-loader builds the file descriptors that @grpc/reflection serves, but four of its choices
// make strict clients (grpcurl, anything on Go's protodesc) reject them: files list no
// dependencies, map-entry messages are named after the field ("Context") instead of protoc's
// "<Field>Entry", type references are relative, and message reserved ranges carry protobufjs's
// inclusive end where descriptor.proto means an exclusive one. Fields also get protoc's json_name,
// so grpcurl prints lowerCamel JSON like Flipt's own server. This rewrites the descriptors once, at start-up,
// into what protoc would have produced for the same types.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { DescriptorProto, FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';

/** protoc's json_name: the field name in lowerCamel (segment_keys → segmentKeys). */
export function jsonName(fieldName: string): string {
  return fieldName.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/_/g, '');
}

/** protoc's map-entry name: the field name in CamelCase plus "Entry" (known_revisions → KnownRevisionsEntry). */
export function mapEntryName(fieldName: string): string {
  const camel = jsonName(fieldName);
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

function repairMessage(message: DescriptorProto): void {
  // protobufjs writes `reserved 2;` as [2, 2]; descriptor.proto's message ranges end exclusively.
  for (const range of message.reservedRange) range.end += 1;
  for (const field of message.field) if (field.jsonName === '') field.jsonName = jsonName(field.name);
  for (const nested of message.nestedType) {
    repairMessage(nested);
    if (nested.options?.mapEntry !== true) continue;
    const field = message.field.find(
      (f) => f.typeName === nested.name || f.typeName.endsWith(`.${nested.name}`),
    );
    if (!field) continue;
    const name = mapEntryName(field.name);
    field.typeName = field.typeName.slice(0, field.typeName.length - nested.name.length) + name;
    nested.name = name;
  }
}

function indexSymbols(file: FileDescriptorProto, symbols: Map<string, string>): void {
  const prefix = file.package === '' ? '' : `${file.package}.`;
  const visit = (message: DescriptorProto, scope: string) => {
    const fqn = `${scope}${message.name}`;
    symbols.set(fqn, file.name);
    for (const nested of message.nestedType) visit(nested, `${fqn}.`);
    for (const e of message.enumType) symbols.set(`${fqn}.${e.name}`, file.name);
  };
  for (const message of file.messageType) visit(message, prefix);
  for (const e of file.enumType) symbols.set(`${prefix}${e.name}`, file.name);
  for (const s of file.service) symbols.set(`${prefix}${s.name}`, file.name);
}

/** Resolves a type reference the way protoc does: innermost scope first, then outwards. */
function resolve(reference: string, scope: string, symbols: ReadonlyMap<string, string>): string | undefined {
  if (reference.startsWith('.')) return symbols.has(reference.slice(1)) ? reference.slice(1) : undefined;
  for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
    const candidate = s === '' ? reference : `${s}.${reference}`;
    if (symbols.has(candidate)) return candidate;
    if (s === '') return undefined;
  }
}

function qualifyReferences(file: FileDescriptorProto, symbols: ReadonlyMap<string, string>): void {
  const dependencies = new Set(file.dependency);
  const qualify = (reference: string, scope: string): string => {
    const fqn = resolve(reference, scope, symbols);
    if (fqn === undefined) return reference;
    const owner = symbols.get(fqn);
    if (owner !== undefined && owner !== file.name) dependencies.add(owner);
    return `.${fqn}`;
  };
  const visit = (message: DescriptorProto, scope: string) => {
    const fqn = scope === '' ? message.name : `${scope}.${message.name}`;
    for (const field of message.field)
      if (field.typeName !== '') field.typeName = qualify(field.typeName, fqn);
    for (const nested of message.nestedType) visit(nested, fqn);
  };
  for (const message of file.messageType) visit(message, file.package);
  for (const service of file.service) {
    for (const method of service.method) {
      method.inputType = qualify(method.inputType, file.package);
      method.outputType = qualify(method.outputType, file.package);
    }
  }
  file.dependency = [...dependencies].sort();
}

export function repairDescriptors(encoded: Iterable<Uint8Array>): Uint8Array[] {
  const files = new Map<string, FileDescriptorProto>();
  for (const bytes of encoded) {
    const file = fromBinary(FileDescriptorProtoSchema, bytes);
    if (!files.has(file.name)) files.set(file.name, file);
  }
  for (const file of files.values()) for (const message of file.messageType) repairMessage(message);
  const symbols = new Map<string, string>();
  for (const file of files.values()) indexSymbols(file, symbols);
  for (const file of files.values()) qualifyReferences(file, symbols);
  return [...files.values()].map((file) => toBinary(FileDescriptorProtoSchema, file));
}

/** The same package definition with every type's descriptors replaced by the repaired set. */
export function repairPackageDefinition(pkg: PackageDefinition): PackageDefinition {
  const all: Uint8Array[] = [];
  for (const definition of Object.values(pkg)) {
    if ('fileDescriptorProtos' in definition && Array.isArray(definition.fileDescriptorProtos))
      all.push(...(definition.fileDescriptorProtos as Uint8Array[]));
  }
  const repaired = repairDescriptors(all).map((bytes) => Buffer.from(bytes));
  return Object.fromEntries(
    Object.entries(pkg).map(([name, definition]) => [
      name,
      'fileDescriptorProtos' in definition ? { ...definition, fileDescriptorProtos: repaired } : definition,
    ]),
  ) as PackageDefinition;
}
