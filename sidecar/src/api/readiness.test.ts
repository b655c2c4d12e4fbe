import { describe, expect, it } from 'vitest';
import type { RuleSetStore } from '../store/rule-set-store.ts';
import { createReadinessSwitch, readinessFromStore } from './readiness.ts';
import type { ReadinessSource } from './readiness.ts';

describe('readiness', () => {
  it('derives readiness and its reason from the store, and notifies on every applied rule set', () => {
    const missing = ['default', 'shop'];
    const listeners: (() => void)[] = [];
    const readiness = readinessFromStore({
      isReady: () => missing.length === 0,
      missing: () => missing,
      onApplied: (listener) => {
        listeners.push(listener);
        return () => undefined;
      },
    });
    const calls: (string | undefined)[] = [];
    readiness.subscribe(() => calls.push(readiness.notReadyReason()));
    expect(readiness.notReadyReason()).toBe('waiting for the rule sets of namespaces: default, shop');
    missing.splice(0);
    for (const listener of listeners) listener();
    expect(calls).toEqual([undefined]);
  });

  it('accepts the rule-set store as its source', () => {
    const fromStore = (store: RuleSetStore): ReadinessSource => store;
    expect(fromStore).toBeTypeOf('function');
  });

  it('switches by hand and stops notifying after unsubscribe', () => {
    const readiness = createReadinessSwitch('starting');
    let seen = 0;
    const unsubscribe = readiness.subscribe(() => seen++);
    readiness.set(undefined);
    expect(readiness.notReadyReason()).toBeUndefined();
    unsubscribe();
    readiness.set('again');
    expect(seen).toBe(1);
  });
});
