// The application side of docs/app-integration.md: examples/app/ensign-flags.ts, with the official
// OpenFeature OFREP provider and Flipt's REST SDK, against a real sidecar that requires caller
// authentication — including a token rotated under the app's feet, as the kubelet does.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { ensignFliptClient, ensignOfrepProvider } from '../../examples/app/ensign-flags.ts';
import { tempDir } from './harness/processes.ts';
import { startLocalSystem } from './harness/system.ts';
import type { LocalSystem } from './harness/system.ts';

const FIRST = 'first-token-0123456789abcdef';
const SECOND = 'second-token-0123456789abcdef';

let system: LocalSystem;
let tokensFile: string;
let tokenFile: string;
let env: Record<string, string>;

beforeAll(async () => {
  const dir = await tempDir('app');
  tokensFile = join(dir, 'tokens');
  tokenFile = join(dir, 'token');
  await writeFile(tokensFile, `${FIRST} default/web\n`);
  await writeFile(tokenFile, `${FIRST}\n`);
  system = await startLocalSystem([
    '--namespaces=default',
    '--auth=required',
    `--static-tokens-file=${tokensFile}`,
  ]);
  env = { ENSIGN_HTTP_ADDR: system.httpUrl, ENSIGN_TOKEN_FILE: tokenFile };
});

afterAll(async () => {
  await OpenFeature.close();
  await system.stop();
});

describe('an application using the documented client set-up', () => {
  it('evaluates through OpenFeature (OFREP) and the Flipt SDK with the token from the file', async () => {
    await OpenFeature.setProviderAndWait('app', ensignOfrepProvider(env));
    const flags = OpenFeature.getClient('app');
    const viaOfrep = await flags.getBooleanDetails('new-search', true, {
      targetingKey: 'user-42',
      mobile: 'true',
    });
    const flipt = ensignFliptClient(env);
    const viaFlipt = await flipt().evaluation.boolean({
      namespaceKey: 'default',
      flagKey: 'new-search',
      entityId: 'user-42',
      context: { mobile: 'true' },
    });
    expect(viaOfrep.errorCode).toBeUndefined();
    expect(viaOfrep.value).toBe(viaFlipt.enabled);
  });

  it('keeps working after the token file is rotated, and is refused with a revoked token', async () => {
    const flipt = ensignFliptClient(env);
    const before = flipt();
    // The kubelet writes a new token; the old one stops being accepted.
    await writeFile(tokensFile, `${SECOND} default/web\n`);
    await writeFile(tokenFile, `${SECOND}\n`);
    await expect
      .poll(
        async () => {
          const answer = await flipt()
            .evaluation.boolean({
              namespaceKey: 'default',
              flagKey: 'new-search',
              entityId: 'u',
              context: {},
            })
            .then(
              () => 'ok',
              (error: unknown) => String(error),
            );
          return answer;
        },
        { timeout: 10_000 },
      )
      .toBe('ok');
    expect(flipt()).not.toBe(before);
    await expect(
      before.evaluation.boolean({
        namespaceKey: 'default',
        flagKey: 'new-search',
        entityId: 'u',
        context: {},
      }),
    ).rejects.toThrow(/not valid/);
  });
});
