import { describe, expect, it } from 'vitest';
import {
  parseInjectionConfig,
  parseServerVersion,
  resolveNativeSidecars,
  syncServerNameFor,
} from './injection-config.ts';

describe('parseInjectionConfig', () => {
  it('fills in every default from a file that names only the image and the operator', () => {
    const parsed = parseInjectionConfig(
      'image: ghcr.io/ensign-dev/ensign-sidecar:0.1.0\noperatorAddress: ensign-operator.ensign-system.svc:8443\n',
      'injection.yaml',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        image: 'ghcr.io/ensign-dev/ensign-sidecar:0.1.0',
        imagePullPolicy: 'IfNotPresent',
        native: 'auto',
        operatorAddress: 'ensign-operator.ensign-system.svc:8443',
        resources: { requests: { cpu: '10m', memory: '96Mi' }, limits: { memory: '256Mi' } },
        tokenExpirationSeconds: 600,
        logLevel: 'info',
        startupTimeoutSeconds: 120,
        appEnv: true,
        env: [],
      },
    });
  });

  it('accepts a digest reference and explicit values', () => {
    const parsed = parseInjectionConfig(
      `image: ghcr.io/ensign-dev/ensign-sidecar@sha256:${'a'.repeat(64)}
imagePullPolicy: Always
native: never
operatorAddress: 10.0.0.17:8443
syncServerName: ensign.example
resources: {requests: {cpu: 0.1}, limits: {cpu: "1", memory: 1Gi}}
tokenExpirationSeconds: 3600
logLevel: debug
startupTimeoutSeconds: 30
appEnv: false
`,
      'injection.yaml',
    );
    expect(parsed.ok && parsed.value.native).toBe('never');
    expect(parsed.ok && parsed.value.resources).toEqual({
      requests: { cpu: '0.1' },
      limits: { cpu: '1', memory: '1Gi' },
    });
  });

  it('names every field at fault and the file', () => {
    const parsed = parseInjectionConfig(
      `image: "not an image"
native: sometimes
operatorAddress: ensign-operator
resources: {requests: {cpu: lots}}
tokenExpirationSeconds: 60
extra: 1
env: [{name: ENSIGN_AUTH, value: none}, {name: "1BAD", value: x}]
`,
      '/etc/ensign/injection.yaml',
    );
    expect(parsed.ok).toBe(false);
    const error = parsed.ok ? '' : parsed.error;
    expect(error).toContain('/etc/ensign/injection.yaml: image: must be an image reference');
    expect(error).toMatch(/native: Invalid option: expected one of "auto"\|"always"\|"never"/);
    expect(error).toContain('operatorAddress: must be host:port');
    expect(error).toContain('resources.requests.cpu: must be a Kubernetes quantity');
    expect(error).toMatch(/tokenExpirationSeconds: Too small: expected number to be >=600/);
    expect(error).toMatch(/Unrecognized key: "extra"/);
    expect(error).toContain('env.0.name: is set by the webhook itself');
    expect(error).toContain('env.1.name: must be an environment variable name');
  });

  it('reports YAML syntax errors and a missing image', () => {
    const broken = parseInjectionConfig('image: [unclosed', 'x.yaml');
    expect(broken.ok ? '' : broken.error).toMatch(/^x\.yaml: not valid YAML/);
    const empty = parseInjectionConfig('', 'x.yaml');
    expect(empty.ok ? '' : empty.error).toMatch(/x\.yaml: image: Invalid input/);
  });
});

describe('parseServerVersion and resolveNativeSidecars', () => {
  it('reads gitVersion first and falls back to major/minor with a provider suffix', () => {
    expect(parseServerVersion({ gitVersion: 'v1.29.3-eks-1234', major: '1', minor: '29+' })).toEqual({
      major: 1,
      minor: 29,
    });
    expect(parseServerVersion({ major: '1', minor: '28+' })).toEqual({ major: 1, minor: 28 });
    expect(parseServerVersion({ gitVersion: 'unknown' })).toBeUndefined();
    expect(parseServerVersion('v1.30')).toBeUndefined();
  });

  it('uses native sidecars from 1.29 in auto mode, and falls back when the version is unknown', () => {
    expect(resolveNativeSidecars('auto', { major: 1, minor: 28 })).toBe(false);
    expect(resolveNativeSidecars('auto', { major: 1, minor: 29 })).toBe(true);
    expect(resolveNativeSidecars('auto', { major: 2, minor: 0 })).toBe(true);
    expect(resolveNativeSidecars('auto', undefined)).toBe(false);
    expect(resolveNativeSidecars('always', { major: 1, minor: 27 })).toBe(true);
    expect(resolveNativeSidecars('never', { major: 1, minor: 33 })).toBe(false);
  });
});

describe('syncServerNameFor', () => {
  const service = { name: 'ensign-operator', namespace: 'ensign-system' };

  it('names the Service when the operator address is an IP address', () => {
    expect(syncServerNameFor({ operatorAddress: '10.0.0.17:8443' }, service)).toBe(
      'ensign-operator.ensign-system.svc',
    );
    expect(syncServerNameFor({ operatorAddress: '[fd00::1]:8443' }, service)).toBe(
      'ensign-operator.ensign-system.svc',
    );
  });

  it('leaves DNS names alone and prefers an explicit name', () => {
    expect(
      syncServerNameFor({ operatorAddress: 'ensign-operator.ensign-system.svc:8443' }, service),
    ).toBeUndefined();
    expect(
      syncServerNameFor({ operatorAddress: '10.0.0.17:8443', syncServerName: 'ops.example' }, service),
    ).toBe('ops.example');
    expect(syncServerNameFor({ operatorAddress: '10.0.0.17:8443' }, undefined)).toBeUndefined();
  });
});
