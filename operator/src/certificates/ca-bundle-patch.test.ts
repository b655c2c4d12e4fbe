import { describe, expect, it } from 'vitest';
import { caBundlePatch, parseWebhookConfiguration } from './ca-bundle-patch.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const B64 = Buffer.from(PEM).toString('base64');

function config(caBundles: (string | undefined)[]) {
  const parsed = parseWebhookConfiguration({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'ensign-inject', resourceVersion: '42' },
    webhooks: caBundles.map((caBundle, i) => ({
      name: `w${i}.ensign.dev`,
      clientConfig: {
        service: { name: 'ensign-operator', namespace: 'ensign-system' },
        ...(caBundle === undefined ? {} : { caBundle }),
      },
      sideEffects: 'None',
    })),
  });
  if (parsed === undefined) throw new Error('fixture does not parse');
  return parsed;
}

describe('caBundlePatch', () => {
  it('adds the base64 bundle to every webhook that has none, conditional on the resourceVersion', () => {
    expect(caBundlePatch(config([undefined, undefined]), PEM)).toEqual({
      operations: [
        { op: 'replace', path: '/metadata/resourceVersion', value: '42' },
        { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: B64 },
        { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: B64 },
      ],
      webhooks: ['w0.ensign.dev', 'w1.ensign.dev'],
    });
  });

  it('repairs only the webhooks whose bundle drifted', () => {
    const patch = caBundlePatch(config([B64, Buffer.from('old').toString('base64')]), PEM);
    expect(patch?.webhooks).toEqual(['w1.ensign.dev']);
    expect(patch?.operations.slice(1)).toEqual([
      { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: B64 },
    ]);
  });

  it('writes nothing when every webhook already trusts the bundle', () => {
    expect(caBundlePatch(config([B64, B64]), PEM)).toBeUndefined();
    expect(caBundlePatch(config([]), PEM)).toBeUndefined();
  });

  it('refuses an object that is not a webhook configuration', () => {
    expect(parseWebhookConfiguration({ metadata: { name: 'x' } })).toBeUndefined();
    expect(parseWebhookConfiguration('nope')).toBeUndefined();
  });
});
