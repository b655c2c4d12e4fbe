import { describe, expect, it } from 'vitest';
import { parseOperatorConfig } from './config.ts';

describe('parseOperatorConfig', () => {
  it('reads a dir source and the documented defaults', () => {
    const config = parseOperatorConfig(
      ['--source=dir:examples', '--sync-insecure', '--sync-addr=127.0.0.1:8443'],
      {},
    );
    expect(config.source).toEqual({ kind: 'dir', path: 'examples' });
    expect(config['ops-addr']).toBe('0.0.0.0:8080');
    expect(config['debounce-ms']).toBe(50);
  });

  it('reads the same settings from environment variables', () => {
    const config = parseOperatorConfig([], {
      ENSIGN_SOURCE: 'dir:/flags',
      ENSIGN_SYNC_INSECURE: 'true',
      ENSIGN_SYNC_ADDR: 'localhost:9000',
    });
    expect(config.source).toEqual({ kind: 'dir', path: '/flags' });
    expect(config['sync-addr']).toBe('localhost:9000');
  });

  it('requires a source and says how to give one', () => {
    expect(() => parseOperatorConfig(['--sync-insecure', '--sync-addr=127.0.0.1:1'], {})).toThrow(
      /--source \(ENSIGN_SOURCE\): is required; use --source=dir:PATH/,
    );
  });

  it('rejects an unknown source kind', () => {
    expect(() =>
      parseOperatorConfig(['--source=s3:bucket', '--sync-insecure', '--sync-addr=127.0.0.1:1'], {}),
    ).toThrow(/"s3:bucket" is not a supported source/);
  });

  it('serves insecure sync only on loopback', () => {
    expect(() => parseOperatorConfig(['--source=dir:x', '--sync-insecure'], {})).toThrow(
      /insecure sync is allowed only on a loopback address, not "0.0.0.0:8443"/,
    );
  });
});
