// What the standard OTEL_* environment variables ask of tracing, decided without loading the SDK: a
// process with tracing off never pays for importing it. Bad values become warnings and defaults,
// never a refusal to start: telemetry must not take flag evaluation down with it.

export type Env = Readonly<Record<string, string | undefined>>;

/** OTEL_TRACES_SAMPLER as data: which sampler decides root spans, and whether a parent's decision wins. */
export interface SamplerSetting {
  readonly root: 'always_on' | 'always_off' | 'traceidratio';
  /** Used by `traceidratio` only; 0…1. */
  readonly ratio: number;
  readonly parentBased: boolean;
}

/** OTEL_BSP_*: the batch span processor's queue and timing. */
export interface BatchSetting {
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

export interface TracingSetting {
  /** service.name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names one. */
  readonly defaultServiceName: string;
  readonly sampler: SamplerSetting;
  readonly batch: BatchSetting;
  /** OTEL_LOG_LEVEL for the SDK's own diagnostics (export failures and the like). */
  readonly logLevel: string;
}

export interface TelemetrySettings {
  /** undefined: tracing is off. */
  readonly tracing: TracingSetting | undefined;
  /** Record `feature_flag.context.id` (often a user id) on evaluation spans; ENSIGN_TRACE_CONTEXT_ID. */
  readonly recordContextId: boolean;
  readonly warnings: readonly string[];
}

const DEFAULT_SAMPLER: SamplerSetting = { root: 'always_on', ratio: 1, parentBased: true };

const SAMPLERS: Readonly<Record<string, Omit<SamplerSetting, 'ratio'>>> = {
  always_on: { root: 'always_on', parentBased: false },
  always_off: { root: 'always_off', parentBased: false },
  traceidratio: { root: 'traceidratio', parentBased: false },
  parentbased_always_on: { root: 'always_on', parentBased: true },
  parentbased_always_off: { root: 'always_off', parentBased: true },
  parentbased_traceidratio: { root: 'traceidratio', parentBased: true },
};

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function isTrue(raw: string | undefined): boolean {
  return raw?.toLowerCase() === 'true';
}

/** ensign-operator / ensign-sidecar from the entry script's path (process.argv[1]). */
export function defaultServiceName(entryPoint: string | undefined): string {
  const match = /(?:^|[\\/])(operator|sidecar)[\\/]src[\\/]main\.ts$/.exec(entryPoint ?? '');
  return match === null ? 'ensign' : `ensign-${match[1] ?? ''}`;
}

/** Tracing is on when an OTLP endpoint is configured or OTEL_TRACES_EXPORTER says otlp. */
function exporterWanted(env: Env, warnings: string[]): boolean {
  if (isTrue(value(env, 'OTEL_SDK_DISABLED'))) return false;
  const exporters = value(env, 'OTEL_TRACES_EXPORTER');
  if (exporters !== undefined) {
    const names = exporters.split(',').map((name) => name.trim().toLowerCase());
    const unsupported = names.filter((name) => name !== 'otlp' && name !== 'none');
    if (unsupported.length > 0)
      warnings.push(
        `OTEL_TRACES_EXPORTER: only "otlp" and "none" are supported; ignoring ${unsupported.join(', ')}`,
      );
    if (names.includes('none')) return false;
    if (names.includes('otlp')) return true;
  }
  return (
    value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined ||
    value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined
  );
}

export function samplerSetting(env: Env, warnings: string[]): SamplerSetting {
  const name = value(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase();
  const chosen = name === undefined ? DEFAULT_SAMPLER : SAMPLERS[name];
  if (chosen === undefined) {
    warnings.push(`OTEL_TRACES_SAMPLER: unsupported sampler "${name ?? ''}"; using parentbased_always_on`);
    return DEFAULT_SAMPLER;
  }
  if (chosen.root !== 'traceidratio') return { ...chosen, ratio: 1 };
  const arg = value(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (arg === undefined) return { ...chosen, ratio: 1 };
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    warnings.push(`OTEL_TRACES_SAMPLER_ARG: "${arg}" is not a ratio between 0 and 1; using 1`);
    return { ...chosen, ratio: 1 };
  }
  return { ...chosen, ratio };
}

function positiveInteger(env: Env, name: string, fallback: number, warnings: string[]): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n > 0) return n;
  warnings.push(`${name}: "${raw}" is not a positive integer; using ${fallback}`);
  return fallback;
}

export function batchSetting(env: Env, warnings: string[]): BatchSetting {
  const maxQueueSize = positiveInteger(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048, warnings);
  return {
    scheduledDelayMillis: positiveInteger(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000, warnings),
    exportTimeoutMillis: positiveInteger(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000, warnings),
    maxQueueSize,
    maxExportBatchSize: Math.min(
      maxQueueSize,
      positiveInteger(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, warnings),
    ),
  };
}

function protocolWarning(env: Env, warnings: string[]): void {
  const protocol =
    value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? value(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== 'grpc')
    warnings.push(
      `OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported; traces are exported over OTLP/gRPC`,
    );
}

export function readTelemetrySettings(env: Env, entryPoint: string | undefined): TelemetrySettings {
  const warnings: string[] = [];
  const contextId = value(env, 'ENSIGN_TRACE_CONTEXT_ID')?.toLowerCase();
  if (contextId !== undefined && contextId !== 'true' && contextId !== 'false')
    warnings.push(`ENSIGN_TRACE_CONTEXT_ID: "${contextId}" is neither true nor false; recording context ids`);
  const recordContextId = contextId !== 'false';
  if (!exporterWanted(env, warnings)) return { tracing: undefined, recordContextId, warnings };
  protocolWarning(env, warnings);
  return {
    tracing: {
      defaultServiceName: defaultServiceName(entryPoint),
      sampler: samplerSetting(env, warnings),
      batch: batchSetting(env, warnings),
      logLevel: value(env, 'OTEL_LOG_LEVEL')?.toLowerCase() ?? 'warn',
    },
    recordContextId,
    warnings,
  };
}
