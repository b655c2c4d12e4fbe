import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENSIGN_VERSION } from './ensign-version.ts';

describe('ENSIGN_VERSION', () => {
  it('is the Helm chart’s appVersion, the tag the images are published under', () => {
    const chart = readFileSync(new URL('../../../charts/ensign/Chart.yaml', import.meta.url), 'utf8');
    const appVersion = /^appVersion:\s*"?([^"\s]+)"?\s*$/m.exec(chart)?.[1];
    expect(appVersion).toBeDefined();
    expect(ENSIGN_VERSION).toBe(appVersion);
  });
});
