import { describe, expect, it } from 'vitest';
import { podSchema } from './admission-review.ts';
import { decideInjection } from './decide-injection.ts';

const context = { namespace: 'shop', excludedNamespaces: ['kube-system', 'ensign-system'] };

function pod(annotations?: Record<string, string>, more: Record<string, unknown> = {}) {
  return podSchema.parse({
    metadata: annotations === undefined ? {} : { annotations },
    spec: { containers: [{ name: 'app' }], ...more },
  });
}

describe('decideInjection', () => {
  it('injects an annotated pod and a pod the namespace label selected', () => {
    expect(decideInjection(pod({ 'ensign.dev/inject': 'true' }), context)).toEqual({
      inject: true,
      warnings: [],
    });
    expect(decideInjection(pod(), context)).toEqual({ inject: true, warnings: [] });
  });

  it('skips a pod that opted out', () => {
    expect(decideInjection(pod({ 'ensign.dev/inject': 'false' }), context)).toMatchObject({
      inject: false,
      reason: 'opted-out',
    });
  });

  it('never injects mirror pods or pods of excluded namespaces', () => {
    expect(
      decideInjection(pod({ 'kubernetes.io/config.mirror': 'abc', 'ensign.dev/inject': 'true' }), context),
    ).toMatchObject({
      reason: 'mirror-pod',
    });
    expect(
      decideInjection(pod({ 'ensign.dev/inject': 'true' }), { ...context, namespace: 'kube-system' }),
    ).toMatchObject({
      reason: 'excluded-namespace',
      message: 'namespace kube-system is never injected',
    });
    expect(decideInjection(pod(), { ...context, namespace: 'ensign-system' })).toMatchObject({
      reason: 'excluded-namespace',
    });
  });

  it('leaves an already injected pod alone, by container name or by annotation', () => {
    const withInit = pod({ 'ensign.dev/inject': 'true' }, { initContainers: [{ name: 'ensign-sidecar' }] });
    expect(decideInjection(withInit, context)).toMatchObject({ reason: 'already-injected' });
    const withContainer = podSchema.parse({
      spec: { containers: [{ name: 'app' }, { name: 'ensign-sidecar' }] },
    });
    expect(decideInjection(withContainer, context)).toMatchObject({ reason: 'already-injected' });
    expect(decideInjection(pod({ 'ensign.dev/injected': 'true' }), context)).toMatchObject({
      reason: 'already-injected',
    });
  });

  it('warns about an inject annotation that is neither true nor false', () => {
    expect(decideInjection(pod({ 'ensign.dev/inject': 'yes' }), context)).toEqual({
      inject: true,
      warnings: ['annotation ensign.dev/inject has the value "yes"; only "true" and "false" have a meaning'],
    });
  });
});
