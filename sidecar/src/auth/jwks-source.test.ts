import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { fileJwks, parseJwks } from './jwks-source.ts';
import { NOW_SEC, testSigner } from './test-support/jwt-keys.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('parseJwks', () => {
  it.each([
    ['text that is not JSON', 'nope', 'not JSON'],
    ['an object without keys', '{}', /expected a JSON Web Key Set/],
    ['an empty key list', '{"keys":[]}', /expected a JSON Web Key Set/],
  ])('refuses %s', (_what, text, message) => {
    const parsed = parseJwks(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('fileJwks', () => {
  it('verifies with the keys in the file and follows a key rotation in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ensign-jwks-'));
    dirs.push(dir);
    const path = join(dir, 'jwks.json');
    const [oldKey, newKey] = await Promise.all([testSigner('old'), testSigner('new')]);
    await writeFile(path, JSON.stringify(oldKey.jwks));
    const source = await fileJwks(path, quiet, 20);
    const verify = (token: string) =>
      jwtVerify(token, source.keys, { currentDate: new Date(NOW_SEC * 1000) }).then(
        () => true,
        () => false,
      );
    const oldToken = await oldKey.sign({ sub: 'a' });
    const newToken = await newKey.sign({ sub: 'a' });
    expect(await verify(oldToken)).toBe(true);
    expect(await verify(newToken)).toBe(false);
    await writeFile(path, JSON.stringify(newKey.jwks));
    const deadline = Date.now() + 5_000;
    while (!(await verify(newToken)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    source.close();
    expect(await verify(newToken)).toBe(true);
    expect(await verify(oldToken)).toBe(false);
  });
});
