// Side-effect module, imported FIRST by operator/src/main.ts and sidecar/src/main.ts so tracing is
// set up before any other module body runs. It reads the standard OTEL_* variables; tracing stays
// off (and the SDK unloaded) unless an OTLP endpoint is configured or OTEL_TRACES_EXPORTER=otlp,
// and OTEL_SDK_DISABLED=true always wins. The SDK is required synchronously: an `await import()`
// here would let the importing module's other imports run before tracing is ready.
import { createRequire } from 'node:module';
import { TELEMETRY_OFF } from './telemetry.ts';
import type { Telemetry } from './telemetry.ts';
import type * as StartTracing from './start-tracing.ts';
import { readTelemetrySettings } from './telemetry-settings.ts';

function warn(message: string): void {
  process.stderr.write(
    JSON.stringify({ level: 'warn', time: new Date().toISOString(), component: 'telemetry', msg: message }) +
      '\n',
  );
}

function start(): Telemetry {
  const settings = readTelemetrySettings(process.env, process.argv[1]);
  for (const warning of settings.warnings) warn(warning);
  if (settings.tracing === undefined) return { ...TELEMETRY_OFF, recordContextId: settings.recordContextId };
  const require = createRequire(import.meta.url);
  const { startTracing } = require('./start-tracing.ts') as typeof StartTracing;
  const running = startTracing(settings.tracing);
  return {
    tracing: true,
    recordContextId: settings.recordContextId,
    shutdown: () =>
      running.shutdown().catch((error: unknown) => {
        warn(`could not export the last spans: ${String(error)}`);
      }),
  };
}

/** This process's telemetry; `telemetry.shutdown()` belongs at the end of the shutdown sequence. */
export const telemetry: Telemetry = start();
