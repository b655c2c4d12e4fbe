import { describe, expect, it } from 'vitest';
import { injectionConfigSchema } from './injection-config.ts';
import { reviewPod, type ReviewContext } from './review-pod.ts';
import { applyJsonPatch } from './testdata/apply-json-patch.ts';

const context: ReviewContext = {
  config: injectionConfigSchema.parse({ image: 'sidecar:1', operatorAddress: 'operator:8443' }),
  native: true,
  caBundle: undefined,
  syncServerName: undefined,
  excludedNamespaces: ['kube-system', 'ensign-system'],
  watchedNamespaces: [],
};

function review(object: unknown, request: Record<string, unknown> = {}) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'c0ffee',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
      object,
      ...request,
    },
  };
}

const pod = (annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { generateName: 'web-', annotations },
  spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'web:1' }] },
});

describe('reviewPod', () => {
  it('answers an injected pod with a base64 JSON patch that applies', () => {
    const outcome = reviewPod(review(pod({ 'ensign.dev/inject': 'true' })), context);
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome).toMatchObject({ result: 'injected', namespace: 'shop', pod: 'web-' });
    const response = outcome.review.response;
    expect(response).toMatchObject({ uid: 'c0ffee', allowed: true, patchType: 'JSONPatch' });
    const patch = JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8')) as {
      op: string;
      path: string;
      value: unknown;
    }[];
    const mutated = applyJsonPatch(pod({ 'ensign.dev/inject': 'true' }), patch) as {
      spec: { initContainers: { name: string; restartPolicy: string }[] };
      metadata: { annotations: Record<string, string> };
    };
    expect(mutated.spec.initContainers[0]).toMatchObject({ name: 'ensign-sidecar', restartPolicy: 'Always' });
    expect(mutated.metadata.annotations['ensign.dev/injected']).toBe('true');
  });

  it('warns when the operator does not watch a namespace the sidecar will serve', () => {
    const outcome = reviewPod(review(pod({ 'ensign.dev/namespaces': 'shared,payments' })), {
      ...context,
      watchedNamespaces: ['shared', 'other'],
    });
    expect(outcome.ok && outcome.review.response.warnings).toEqual([
      'Ensign: the operator does not watch namespace shop (--watch-namespaces), so the sidecar serves no flags from it',
      'Ensign: the operator does not watch namespace payments (--watch-namespaces), so the sidecar serves no flags from it',
    ]);
    expect(outcome).toMatchObject({ result: 'injected' });
  });

  it('allows skipped pods without a patch', () => {
    for (const object of [pod({ 'ensign.dev/inject': 'false' }), pod({ 'ensign.dev/injected': 'true' })]) {
      const outcome = reviewPod(review(object), context);
      expect(outcome).toMatchObject({ ok: true, result: 'skipped' });
      expect(outcome.ok && outcome.review).toEqual({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: 'c0ffee', allowed: true },
      });
    }
    expect(reviewPod(review(pod(), { namespace: 'kube-system' }), context)).toMatchObject({
      result: 'skipped',
      detail: 'excluded-namespace',
    });
  });

  it('denies a pod with a bad override, naming the annotation', () => {
    const outcome = reviewPod(review(pod({ 'ensign.dev/memory-limit': 'a lot' })), context);
    expect(outcome.ok && outcome.review.response).toEqual({
      uid: 'c0ffee',
      allowed: false,
      status: {
        code: 400,
        message:
          'Ensign sidecar injection: annotation ensign.dev/memory-limit: "a lot" is not a Kubernetes quantity (e.g. 50m, 0.5, 128Mi)',
      },
    });
  });

  it('denies a pod whose volume names collide with the sidecar’s', () => {
    const object = {
      ...pod(),
      spec: {
        serviceAccountName: 'web',
        containers: [{ name: 'app' }],
        volumes: [{ name: 'ensign-state', emptyDir: {} }],
      },
    };
    const outcome = reviewPod(review(object), context);
    expect(outcome).toMatchObject({ result: 'denied' });
    expect(outcome.ok && outcome.review.response.status?.message).toMatch(
      /already has a volume named ensign-state/,
    );
  });

  it('denies a pod without a service account, which the sidecar token needs', () => {
    const object = { ...pod(), spec: { containers: [{ name: 'app' }] } };
    const outcome = reviewPod(review(object), context);
    expect(outcome.ok && outcome.review.response.status?.message).toBe(
      'Ensign sidecar injection: the pod has no serviceAccountName (normally set by the ServiceAccount admission plugin), and the sidecar needs a token of the pod’s service account',
    );
  });

  it('passes what is not a Pod CREATE through, and refuses what is not an AdmissionReview', () => {
    expect(reviewPod(review(pod(), { operation: 'UPDATE' }), context)).toMatchObject({ result: 'skipped' });
    expect(reviewPod(review({ spec: { containers: 'nope' } }), context)).toMatchObject({
      result: 'skipped',
      review: {
        response: {
          allowed: true,
          warnings: ['Ensign did not inject the sidecar: the pod spec does not parse'],
        },
      },
    });
    expect(reviewPod({ kind: 'AdmissionReview' }, context)).toMatchObject({ ok: false });
    expect(reviewPod({ ...review(pod()), request: { uid: '' } }, context)).toMatchObject({ ok: false });
  });
});
