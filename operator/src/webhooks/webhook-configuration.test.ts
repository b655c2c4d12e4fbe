import { describe, expect, it } from 'vitest';
import { injectionWebhooks } from './webhook-configuration.ts';

const options = {
  serviceName: 'ensign-operator',
  serviceNamespace: 'ensign-system',
  operatorNamespace: 'ensign-system',
  failurePolicy: 'Ignore' as const,
  timeoutSeconds: 5,
};

describe('injectionWebhooks', () => {
  it('matches Pod CREATE only, with no side effects, re-invocation and no caBundle', () => {
    const webhooks = injectionWebhooks(options);
    expect(webhooks.map((w) => w.name)).toEqual(['pods.inject.ensign.dev', 'namespaces.inject.ensign.dev']);
    for (const webhook of webhooks) {
      expect(webhook.rules).toEqual([
        {
          apiGroups: [''],
          apiVersions: ['v1'],
          operations: ['CREATE'],
          resources: ['pods'],
          scope: 'Namespaced',
        },
      ]);
      expect(webhook).toMatchObject({
        sideEffects: 'None',
        reinvocationPolicy: 'IfNeeded',
        admissionReviewVersions: ['v1'],
        failurePolicy: 'Ignore',
        timeoutSeconds: 5,
        clientConfig: {
          service: { name: 'ensign-operator', namespace: 'ensign-system', path: '/inject', port: 9443 },
        },
      });
      expect(JSON.stringify(webhook)).not.toContain('caBundle');
    }
  });

  it('excludes kube-system and the operator namespace in both webhooks; the second needs the label', () => {
    const [annotated, labelled] = injectionWebhooks({ ...options, operatorNamespace: 'flags', path: '/x' });
    const excluded = {
      key: 'kubernetes.io/metadata.name',
      operator: 'NotIn',
      values: ['kube-system', 'flags'],
    };
    expect(annotated?.namespaceSelector).toEqual({ matchExpressions: [excluded] });
    expect(labelled?.namespaceSelector).toEqual({
      matchExpressions: [{ key: 'ensign.dev/inject', operator: 'In', values: ['enabled'] }, excluded],
    });
    expect(annotated?.clientConfig.service.path).toBe('/x');
  });

  it('skips injected and mirror pods with CEL match conditions', () => {
    const [annotated, labelled] = injectionWebhooks(options);
    expect(annotated?.matchConditions.map((c) => c.name)).toEqual([
      'opted-in',
      'not-injected',
      'not-mirror-pod',
    ]);
    expect(labelled?.matchConditions.map((c) => c.name)).toEqual([
      'not-annotated',
      'not-injected',
      'not-mirror-pod',
    ]);
    expect(annotated?.matchConditions[0]?.expression).toBe(
      "has(object.metadata.annotations) && 'ensign.dev/inject' in object.metadata.annotations && object.metadata.annotations['ensign.dev/inject'] == 'true'",
    );
  });
});
