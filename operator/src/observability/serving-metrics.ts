// Point-in-time gauges of what this replica serves: the current revision of every namespace and
// how many sidecars stream it. Read at scrape time from the hub and the sync server, so they can
// never lag behind or leak series of namespaces that are gone.
import { Gauge, type Registry } from 'prom-client';

export interface ServingView {
  /** Namespaces with a published rule set. */
  namespaces(): readonly string[];
  revision(namespace: string): string | undefined;
  /** Sidecars streaming the namespace from this replica, and of those, the ones on its current revision. */
  sidecars(namespace: string): { readonly connected: number; readonly inSync: number };
}

export function registerServingMetrics(registry: Registry, view: ServingView): void {
  const registers = [registry];
  new Gauge({
    name: 'ensign_operator_ruleset_revision_info',
    help: 'The rule-set revision this replica publishes for each namespace (value is always 1).',
    labelNames: ['namespace', 'revision'] as const,
    registers,
    collect() {
      this.reset();
      for (const namespace of view.namespaces()) {
        const revision = view.revision(namespace);
        if (revision !== undefined) this.set({ namespace, revision }, 1);
      }
    },
  });
  const perNamespace = (pick: (counts: ReturnType<ServingView['sidecars']>) => number) =>
    function collect(this: Gauge<'namespace'>): void {
      this.reset();
      for (const namespace of view.namespaces()) this.set({ namespace }, pick(view.sidecars(namespace)));
    };
  new Gauge({
    name: 'ensign_operator_sidecars_connected',
    help: 'Sidecars streaming each namespace from this replica.',
    labelNames: ['namespace'] as const,
    registers,
    collect: perNamespace((counts) => counts.connected),
  });
  new Gauge({
    name: 'ensign_operator_sidecars_in_sync',
    help: 'Sidecars streaming each namespace from this replica that acknowledged its current revision.',
    labelNames: ['namespace'] as const,
    registers,
    collect: perNamespace((counts) => counts.inSync),
  });
}
