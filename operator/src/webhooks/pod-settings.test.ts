import { describe, expect, it } from 'vitest';
import { injectionConfigSchema } from './injection-config.ts';
import { podSettings } from './pod-settings.ts';

const config = injectionConfigSchema.parse({ image: 'sidecar:1', operatorAddress: 'operator:8443' });

describe('podSettings', () => {
  it('takes the config defaults without annotations', () => {
    expect(podSettings({}, config)).toEqual({
      ok: true,
      settings: {
        resources: { requests: { cpu: '10m', memory: '96Mi' }, limits: { memory: '256Mi' } },
        extraNamespaces: [],
        logLevel: 'info',
        appEnv: true,
      },
    });
  });

  it('overrides single resources and keeps the others', () => {
    const result = podSettings({ 'ensign.dev/memory-limit': '384Mi', 'ensign.dev/cpu-limit': '1' }, config);
    expect(result.ok && result.settings.resources).toEqual({
      requests: { cpu: '10m', memory: '96Mi' },
      limits: { memory: '384Mi', cpu: '1' },
    });
  });

  it('denies with every bad annotation named', () => {
    const result = podSettings(
      {
        'ensign.dev/cpu-request': 'lots',
        'ensign.dev/namespaces': 'shared,Bad_Name',
        'ensign.dev/log-level': 'loud',
        'ensign.dev/app-env': 'no',
      },
      config,
    );
    expect(result).toEqual({
      ok: false,
      error:
        'annotation ensign.dev/cpu-request: "lots" is not a Kubernetes quantity (e.g. 50m, 0.5, 128Mi); ' +
        'annotation ensign.dev/namespaces: "Bad_Name" is not a namespace name; ' +
        'annotation ensign.dev/log-level: "loud" is not one of trace, debug, info, warn, error, fatal; ' +
        'annotation ensign.dev/app-env: "no" must be "true" or "false"',
    });
  });

  it('denies a request above its limit, naming the annotations involved', () => {
    expect(podSettings({ 'ensign.dev/memory-request': '512Mi' }, config)).toEqual({
      ok: false,
      error:
        "the sidecar's memory request 512Mi exceeds its memory limit 256Mi (check annotation ensign.dev/memory-request)",
    });
  });

  it('reads extra namespaces sorted and without duplicates', () => {
    const result = podSettings({ 'ensign.dev/namespaces': ' shared, payments,shared,' }, config);
    expect(result.ok && result.settings.extraNamespaces).toEqual(['payments', 'shared']);
  });
});
