import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPERATOR_AUTH_OPTIONS, operatorAuthIssues, operatorAuthShape } from './options.ts';
import type { OperatorAuthConfig } from './options.ts';

describe('operatorAuthIssues', () => {
  it.each<[string, OperatorAuthConfig, string[]]>([
    ['TLS with both files', { 'sync-insecure': false, 'sync-tls-cert': 'c', 'sync-tls-key': 'k' }, []],
    ['insecure without files', { 'sync-insecure': true }, []],
    ['neither TLS nor insecure', { 'sync-insecure': false }, ['sync-tls-cert', 'sync-tls-key']],
    ['a certificate without key', { 'sync-insecure': false, 'sync-tls-cert': 'c' }, ['sync-tls-key']],
    ['a key without certificate', { 'sync-insecure': false, 'sync-tls-key': 'k' }, ['sync-tls-cert']],
    ['insecure together with TLS files', { 'sync-insecure': true, 'sync-tls-cert': 'c' }, ['sync-insecure']],
  ])('accepts or refuses %s', (_what, config, paths) => {
    expect(operatorAuthIssues(config).map((i) => i.path)).toEqual(paths);
  });
});

describe('OPERATOR_AUTH_OPTIONS', () => {
  it('declares a zod field for every option it documents', () => {
    expect(OPERATOR_AUTH_OPTIONS.map((o) => o.name).sort()).toEqual(Object.keys(operatorAuthShape).sort());
    expect(z.object(operatorAuthShape).parse({ 'sync-tls-cert': '/tls/tls.crt' })).toEqual({
      'sync-tls-cert': '/tls/tls.crt',
    });
  });
});
