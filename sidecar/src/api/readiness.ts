// Whether the evaluation APIs can answer for every namespace they serve. The gRPC health service,
// /readyz and the "namespace not loaded yet" answer all read this one signal.

export interface Readiness {
  /** Undefined when ready; otherwise a short reason for /readyz and logs. */
  notReadyReason(): string | undefined;
  /** Calls `listener` whenever readiness may have changed; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** The parts of the rule-set store that readiness is derived from. */
export interface ReadinessSource {
  isReady(): boolean;
  missing(): readonly string[];
  onApplied(listener: () => void): () => void;
}

export function readinessFromStore(store: ReadinessSource): Readiness {
  return {
    notReadyReason: () =>
      store.isReady() ? undefined : `waiting for the rule sets of namespaces: ${store.missing().join(', ')}`,
    subscribe: (listener) => store.onApplied(listener),
  };
}

export interface ReadinessSwitch extends Readiness {
  set(reason: string | undefined): void;
}

/** A hand-driven readiness signal (tests, and processes whose readiness is not a store's). */
export function createReadinessSwitch(initialReason: string | undefined): ReadinessSwitch {
  let reason = initialReason;
  const listeners = new Set<() => void>();
  return {
    notReadyReason: () => reason,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      reason = next;
      for (const listener of listeners) listener();
    },
  };
}
