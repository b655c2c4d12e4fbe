import { describe, expect, it } from 'vitest';
import { parseOperatorConfig } from '../config.ts';
import { selfManaged } from './options.ts';

const cluster = ['--source=kubernetes', '--leader-election=false'];

describe('certificate options', () => {
  it('defaults to self-managed certificates in the pod namespace, without sync TLS files', () => {
    const config = parseOperatorConfig(cluster, { POD_NAMESPACE: 'ensign-system' });
    expect(config).toMatchObject({
      'cert-mode': 'self-managed',
      'operator-namespace': 'ensign-system',
      'certificate-secret': 'ensign-operator-certs',
      'service-name': 'ensign-operator',
      'webhook-configuration': 'ensign-inject',
    });
    expect(selfManaged(config)).toBe(true);
  });

  it('reads every option from flags and environment variables', () => {
    const config = parseOperatorConfig([...cluster, '--certificate-secret=certs', '--service-name=flags'], {
      ENSIGN_OPERATOR_NAMESPACE: 'platform',
      ENSIGN_WEBHOOK_CONFIGURATION: 'flags-inject',
      ENSIGN_CERT_MODE: 'files',
      ENSIGN_CA_FILE: '/tls/ca.crt',
      ENSIGN_SYNC_TLS_CERT: '/tls/tls.crt',
      ENSIGN_SYNC_TLS_KEY: '/tls/tls.key',
    });
    expect(config).toMatchObject({
      'cert-mode': 'files',
      'operator-namespace': 'platform',
      'certificate-secret': 'certs',
      'service-name': 'flags',
      'webhook-configuration': 'flags-inject',
      'ca-file': '/tls/ca.crt',
    });
    expect(selfManaged(config)).toBe(false);
  });

  it('needs the operator namespace in kubernetes mode', () => {
    expect(() => parseOperatorConfig(cluster, {})).toThrow(
      /--operator-namespace \(ENSIGN_OPERATOR_NAMESPACE\): is required/,
    );
  });

  it('refuses certificate files in self-managed mode and requires them in files mode', () => {
    const base = [...cluster, '--operator-namespace=ops'];
    expect(() => parseOperatorConfig([...base, '--sync-tls-cert=/c', '--sync-tls-key=/k'], {})).toThrow(
      /--sync-tls-cert \(ENSIGN_SYNC_TLS_CERT\): is for --cert-mode=files/,
    );
    expect(() => parseOperatorConfig([...base, '--ca-file=/ca'], {})).toThrow(
      /--ca-file .*is for --cert-mode=files/,
    );
    expect(() => parseOperatorConfig([...base, '--cert-mode=files'], {})).toThrow(
      /--sync-tls-cert .*is required/,
    );
    expect(() => parseOperatorConfig([...base, '--cert-mode=cert-manager'], {})).toThrow(/--cert-mode/);
  });
});
