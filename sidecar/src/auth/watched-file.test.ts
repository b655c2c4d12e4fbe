import { describe, expect, it } from 'vitest';
import { watchFile } from './watched-file.ts';
import type { ParseResult } from './watched-file.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const number = (text: string): ParseResult<number> =>
  /^\d+$/.test(text.trim()) ? { ok: true, value: Number(text) } : { ok: false, error: 'not a number' };

function fakeDisk(initial: string | Error) {
  let content: string | Error = initial;
  return {
    read: (): Promise<string> =>
      content instanceof Error ? Promise.reject(content) : Promise.resolve(content),
    write: (next: string | Error) => {
      content = next;
    },
  };
}

describe('watchFile', () => {
  it('installs changed contents that parse, and keeps the last good ones otherwise', async () => {
    const disk = fakeDisk('1');
    const warnings: object[] = [];
    const file = await watchFile({
      path: '/f',
      what: 'number file',
      parse: number,
      logger: { info: () => undefined, warn: (obj) => warnings.push(obj) },
      pollMs: 60_000,
      readFile: disk.read,
    });
    expect(file.current()).toBe(1);
    expect(await file.reload()).toBe('unchanged');
    disk.write('2');
    expect(await file.reload()).toBe('installed');
    expect(file.current()).toBe(2);
    disk.write('two');
    expect(await file.reload()).toBe('rejected');
    expect(await file.reload()).toBe('rejected');
    expect(warnings).toHaveLength(1); // the same problem is reported once
    disk.write(Object.assign(new Error('gone'), { code: 'ENOENT' }));
    expect(await file.reload()).toBe('rejected');
    expect(file.current()).toBe(2);
    file.close();
  });

  it('refuses to start with a file that cannot be read or parsed', async () => {
    await expect(
      watchFile({
        path: '/f',
        what: 'number file',
        parse: number,
        logger: quiet,
        readFile: fakeDisk(Object.assign(new Error('x'), { code: 'ENOENT' })).read,
      }),
    ).rejects.toThrow('cannot read the number file /f: ENOENT');
    await expect(
      watchFile({
        path: '/f',
        what: 'number file',
        parse: number,
        logger: quiet,
        readFile: fakeDisk('x').read,
      }),
    ).rejects.toThrow('number file /f: not a number');
  });
});
