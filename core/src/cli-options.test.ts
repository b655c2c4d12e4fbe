import { describe, expect, it } from 'vitest';
import {
  describeIssues,
  isLoopbackAddress,
  OptionsError,
  readOptions,
  renderOptionsTable,
  splitHostPort,
} from './cli-options.ts';
import type { OptionSpec } from './cli-options.ts';

const specs: OptionSpec[] = [
  { name: 'addr', env: 'X_ADDR', description: 'listen address', default: '127.0.0.1:1' },
  { name: 'insecure', env: 'X_INSECURE', description: 'no TLS', boolean: true },
];

describe('readOptions', () => {
  it('reads --name=value, --name value and bare boolean flags', () => {
    expect(readOptions(specs, ['--addr=a:1', '--insecure'], {})).toEqual({ addr: 'a:1', insecure: 'true' });
    expect(readOptions(specs, ['--addr', 'b:2'], {})).toEqual({ addr: 'b:2' });
  });

  it('falls back to the environment variable when the flag is absent, and the flag wins', () => {
    expect(readOptions(specs, [], { X_ADDR: 'env:3' })).toEqual({ addr: 'env:3' });
    expect(readOptions(specs, ['--addr=flag:4'], { X_ADDR: 'env:3' })).toEqual({ addr: 'flag:4' });
  });

  it('rejects an unknown flag and lists the known ones', () => {
    expect(() => readOptions(specs, ['--adr=x'], {})).toThrow(
      /unknown flag --adr; known flags: --addr, --insecure/,
    );
  });

  it('rejects a value flag without a value and a stray positional argument', () => {
    expect(() => readOptions(specs, ['--addr'], {})).toThrow(OptionsError);
    expect(() => readOptions(specs, ['oops'], {})).toThrow(/unexpected argument "oops"/);
  });
});

describe('describeIssues', () => {
  it('names the flag and its environment variable at fault', () => {
    expect(describeIssues(specs, [{ path: ['addr'], message: 'must be host:port' }])).toBe(
      '--addr (X_ADDR): must be host:port',
    );
  });
});

describe('addresses', () => {
  it('splits host:port including bracketed IPv6 and refuses bad ports', () => {
    expect(splitHostPort('127.0.0.1:8413')).toEqual({ host: '127.0.0.1', port: 8413 });
    expect(splitHostPort('[::1]:80')).toEqual({ host: '[::1]', port: 80 });
    expect(splitHostPort('host:99999')).toBeUndefined();
    expect(splitHostPort('host')).toBeUndefined();
  });

  it('recognises loopback addresses only', () => {
    expect(isLoopbackAddress('127.0.0.1:1')).toBe(true);
    expect(isLoopbackAddress('localhost:1')).toBe(true);
    expect(isLoopbackAddress('[::1]:1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0:1')).toBe(false);
    expect(isLoopbackAddress('10.0.0.1:1')).toBe(false);
  });
});

describe('renderOptionsTable', () => {
  it('renders one Markdown row per option with its default', () => {
    const table = renderOptionsTable(specs).split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toBe('| `--addr` | `X_ADDR` | `127.0.0.1:1` | listen address |');
    expect(table[3]).toBe('| `--insecure` | `X_INSECURE` |  | no TLS |');
  });
});
