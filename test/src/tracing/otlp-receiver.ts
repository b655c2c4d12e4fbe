// An OTLP/gRPC trace receiver inside the test process: what a collector would see from Ensign.
// Decodes ExportTraceServiceRequest with our own minimal .proto (fixtures/) through proto-loader.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export type AttributeValue =
  string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** "" for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** SPAN_KIND_SERVER, SPAN_KIND_INTERNAL, … */
  readonly kind: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly events: readonly {
    readonly name: string;
    readonly attributes: Readonly<Record<string, AttributeValue>>;
  }[];
  readonly status: { readonly code: string; readonly message: string };
  readonly resource: Readonly<Record<string, AttributeValue>>;
  readonly scope: string;
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (plaintext gRPC). */
  readonly endpoint: string;
  /** Every span received so far, in arrival order. */
  readonly spans: ReceivedSpan[];
  close(): Promise<void>;
}

interface WireAnyValue {
  /** Which field of the oneof is set (proto-loader's `oneofs: true`). */
  value?:
    | 'stringValue'
    | 'boolValue'
    | 'intValue'
    | 'doubleValue'
    | 'arrayValue'
    | 'kvlistValue'
    | 'bytesValue'
    | undefined;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: WireAnyValue[] };
  kvlistValue?: { values: WireKeyValue[] };
  bytesValue?: Buffer;
}
interface WireKeyValue {
  key: string;
  value: WireAnyValue | null;
}
interface WireSpan {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  name: string;
  kind: string;
  attributes: WireKeyValue[];
  events: { name: string; attributes: WireKeyValue[] }[];
  status: { code: string; message: string } | null;
}
interface WireRequest {
  resourceSpans: {
    resource: { attributes: WireKeyValue[] } | null;
    scopeSpans: { scope: { name: string } | null; spans: WireSpan[] }[];
  }[];
}

function anyValue(value: WireAnyValue | null): AttributeValue {
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'intValue':
      return Number(value.intValue);
    case 'doubleValue':
      return value.doubleValue ?? 0;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(anyValue);
    case 'kvlistValue':
      return attributes(value.kvlistValue?.values ?? []);
    case 'bytesValue':
      return value.bytesValue?.toString('base64') ?? '';
    case undefined:
      return null;
  }
}

function attributes(list: readonly WireKeyValue[]): Record<string, AttributeValue> {
  return Object.fromEntries(list.map((kv) => [kv.key, anyValue(kv.value)]));
}

export function decodeSpans(request: WireRequest): ReceivedSpan[] {
  return request.resourceSpans.flatMap((rs) => {
    const resource = attributes(rs.resource?.attributes ?? []);
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((span) => ({
        traceId: span.traceId.toString('hex'),
        spanId: span.spanId.toString('hex'),
        parentSpanId: span.parentSpanId.toString('hex'),
        name: span.name,
        kind: span.kind,
        attributes: attributes(span.attributes),
        events: span.events.map((e) => ({ name: e.name, attributes: attributes(e.attributes) })),
        status: span.status ?? { code: 'STATUS_CODE_UNSET', message: '' },
        resource,
        scope: ss.scope?.name ?? '',
      })),
    );
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const definition = loadSync(fileURLToPath(new URL('fixtures/otlp-trace-service.proto', import.meta.url)), {
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    opentelemetry: {
      proto: { collector: { trace: { v1: { TraceService: grpc.ServiceClientConstructor } } } };
    };
  };
  const service = proto.opentelemetry.proto.collector.trace.v1.TraceService.service;
  const spans: ReceivedSpan[] = [];
  const server = new grpc.Server();
  server.addService(service, {
    Export: (call: grpc.ServerUnaryCall<WireRequest, object>, callback: grpc.sendUnaryData<object>) => {
      spans.push(...decodeSpans(call.request));
      callback(null, {});
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => {
      if (error) reject(error);
      else resolve(p);
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    close: () =>
      new Promise((resolve) => {
        server.tryShutdown(() => {
          resolve();
        });
      }),
  };
}
