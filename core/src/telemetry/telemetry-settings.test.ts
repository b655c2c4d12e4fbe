import { describe, expect, it } from 'vitest';
import { defaultServiceName, readTelemetrySettings } from './telemetry-settings.ts';

const SIDECAR = '/app/sidecar/src/main.ts';

describe('readTelemetrySettings', () => {
  it('leaves tracing off when no OTLP endpoint or exporter is configured', () => {
    const settings = readTelemetrySettings({ OTEL_SERVICE_NAME: 'x' }, SIDECAR);
    expect(settings.tracing).toBeUndefined();
    expect(settings.warnings).toEqual([]);
  });

  it('turns tracing on for OTEL_EXPORTER_OTLP_ENDPOINT, the traces endpoint, or OTEL_TRACES_EXPORTER=otlp', () => {
    for (const env of [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4317' },
      { OTEL_TRACES_EXPORTER: 'otlp' },
    ])
      expect(readTelemetrySettings(env, SIDECAR).tracing).toBeDefined();
  });

  it('ignores blank endpoint variables', () => {
    expect(readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, SIDECAR).tracing).toBeUndefined();
  });

  it('lets OTEL_SDK_DISABLED=true win over a configured endpoint', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_TRACES_EXPORTER: 'otlp' };
    expect(readTelemetrySettings({ ...env, OTEL_SDK_DISABLED: 'TRUE' }, SIDECAR).tracing).toBeUndefined();
    expect(readTelemetrySettings({ ...env, OTEL_SDK_DISABLED: 'false' }, SIDECAR).tracing).toBeDefined();
  });

  it('turns tracing off for OTEL_TRACES_EXPORTER=none even with an endpoint', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_TRACES_EXPORTER: 'none' };
    expect(readTelemetrySettings(env, SIDECAR).tracing).toBeUndefined();
  });

  it('warns about exporters other than otlp and exports nothing through them', () => {
    const settings = readTelemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin' }, SIDECAR);
    expect(settings.tracing).toBeUndefined();
    expect(settings.warnings.join()).toContain('zipkin');
  });

  it('warns that only OTLP/gRPC is spoken when another protocol is asked for', () => {
    const settings = readTelemetrySettings(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      SIDECAR,
    );
    expect(settings.tracing).toBeDefined();
    expect(settings.warnings.join()).toContain('http/protobuf');
  });

  it('defaults to the parent-based always-on sampler', () => {
    const settings = readTelemetrySettings({ OTEL_TRACES_EXPORTER: 'otlp' }, SIDECAR);
    expect(settings.tracing?.sampler).toEqual({ root: 'always_on', ratio: 1, parentBased: true });
  });

  it('reads the sampler and its ratio from OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG', () => {
    const settings = readTelemetrySettings(
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      },
      SIDECAR,
    );
    expect(settings.tracing?.sampler).toEqual({ root: 'traceidratio', ratio: 0.25, parentBased: true });
    const plain = readTelemetrySettings(
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'always_off' },
      SIDECAR,
    );
    expect(plain.tracing?.sampler).toMatchObject({ root: 'always_off', parentBased: false });
  });

  it('falls back with a warning on an unknown sampler or a ratio outside 0…1', () => {
    const unknown = readTelemetrySettings(
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'xray' },
      SIDECAR,
    );
    expect(unknown.tracing?.sampler).toEqual({ root: 'always_on', ratio: 1, parentBased: true });
    expect(unknown.warnings.join()).toContain('xray');
    const ratio = readTelemetrySettings(
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
      SIDECAR,
    );
    expect(ratio.tracing?.sampler.ratio).toBe(1);
    expect(ratio.warnings.join()).toContain('1.5');
  });

  it('reads the batch processor settings from OTEL_BSP_* and keeps a batch within the queue', () => {
    const settings = readTelemetrySettings(
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
        OTEL_BSP_EXPORT_TIMEOUT: 'soon',
      },
      SIDECAR,
    );
    expect(settings.tracing?.batch).toEqual({
      scheduledDelayMillis: 200,
      exportTimeoutMillis: 30_000,
      maxQueueSize: 100,
      maxExportBatchSize: 100,
    });
    expect(settings.warnings.join()).toContain('OTEL_BSP_EXPORT_TIMEOUT');
  });

  it('records context ids unless ENSIGN_TRACE_CONTEXT_ID=false, whether or not tracing is on', () => {
    expect(readTelemetrySettings({}, SIDECAR).recordContextId).toBe(true);
    expect(readTelemetrySettings({ ENSIGN_TRACE_CONTEXT_ID: 'False' }, SIDECAR).recordContextId).toBe(false);
    const odd = readTelemetrySettings({ ENSIGN_TRACE_CONTEXT_ID: 'no' }, SIDECAR);
    expect(odd.recordContextId).toBe(true);
    expect(odd.warnings.join()).toContain('ENSIGN_TRACE_CONTEXT_ID');
  });
});

describe('defaultServiceName', () => {
  it('names the service after the binary whose main.ts started the process', () => {
    expect(defaultServiceName('/app/operator/src/main.ts')).toBe('ensign-operator');
    expect(defaultServiceName('sidecar/src/main.ts')).toBe('ensign-sidecar');
    expect(defaultServiceName('/work/bench/src/run.ts')).toBe('ensign');
    expect(defaultServiceName(undefined)).toBe('ensign');
  });
});
