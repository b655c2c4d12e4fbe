import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const START = new URL('./start-telemetry.ts', import.meta.url).href;

/** Imports start-telemetry in a fresh Node process and reports what it set up and what it loaded. */
function startIn(env: Record<string, string>): {
  tracing: boolean;
  sdkLoaded: boolean;
  registered: boolean;
  stderr: string;
} {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const { telemetry } = await import(${JSON.stringify(START)});
    const { trace } = await import('@opentelemetry/api');
    const registered = trace.getTracer('probe').startSpan('probe').isRecording();
    await telemetry.shutdown();
    console.log(JSON.stringify({
      tracing: telemetry.tracing,
      sdkLoaded: loaded.some((url) => url.includes('/@opentelemetry/sdk-trace/')),
      registered,
    }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (child.status !== 0) throw new Error(`child failed (${String(child.status)}): ${child.stderr}`);
  return {
    ...(JSON.parse(child.stdout) as { tracing: boolean; sdkLoaded: boolean; registered: boolean }),
    stderr: child.stderr,
  };
}

describe('start-telemetry', () => {
  it('does not load the SDK at all when no exporter is configured', () => {
    expect(startIn({})).toMatchObject({ tracing: false, sdkLoaded: false, registered: false });
  });

  it('does not load the SDK when OTEL_SDK_DISABLED=true, even with an endpoint', () => {
    const result = startIn({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' });
    expect(result).toMatchObject({ tracing: false, sdkLoaded: false, registered: false });
  });

  it('registers a recording tracer provider when an OTLP endpoint is configured', () => {
    const result = startIn({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_LOG_LEVEL: 'none' });
    expect(result).toMatchObject({ tracing: true, sdkLoaded: true, registered: true });
  });

  it('reports unusable settings on stderr and starts anyway', () => {
    const result = startIn({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_TRACES_SAMPLER: 'xray',
      OTEL_LOG_LEVEL: 'none',
    });
    expect(result.tracing).toBe(true);
    const warning = JSON.parse(result.stderr.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(warning).toMatchObject({ level: 'warn', component: 'telemetry' });
    expect(String(warning['msg'])).toContain('xray');
  });
});
