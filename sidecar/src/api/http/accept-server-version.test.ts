import { describe, expect, it } from 'vitest';
import { parseTolerantVersion, snapshotLevel } from './accept-server-version.ts';

describe('X-Flipt-Accept-Server-Version', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['not a version', 0],
    ['1.37.1', 0],
    ['1.38.0-rc.1', 0],
    ['1.38.0', 1],
    ['v1.38', 1],
    ['1.46.9', 1],
    ['1.47.0', 2],
    [' 1.47.0 ', 2],
    ['1.47', 2],
    ['1.47.0+build.5', 2],
    ['2', 2],
    ['2.0.0', 2],
    ['0.99.0', 0],
  ] as const)('reads %j as downgrade level %i', (header, level) => {
    expect(snapshotLevel(header)).toBe(level);
  });

  it('parses a version leniently', () => {
    expect(parseTolerantVersion('v1.47')).toEqual([1, 47, 0, false]);
    expect(parseTolerantVersion('1.38.0-rc.1')).toEqual([1, 38, 0, true]);
    expect(parseTolerantVersion('1.x')).toBeUndefined();
  });
});
