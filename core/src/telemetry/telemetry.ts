// The process's telemetry as the rest of the code sees it, set once by start-telemetry.ts before
// any other module runs. Importing this never loads the OpenTelemetry SDK.

export interface Telemetry {
  /** True when spans are exported; false means every tracing hook is skipped. */
  readonly tracing: boolean;
  /** Record `feature_flag.context.id` on evaluation spans (ENSIGN_TRACE_CONTEXT_ID, default true). */
  readonly recordContextId: boolean;
  /** Exports buffered spans and stops the exporter; call once, after the servers have closed. */
  shutdown(): Promise<void>;
}

export const TELEMETRY_OFF: Telemetry = {
  tracing: false,
  recordContextId: true,
  shutdown: () => Promise.resolve(),
};
