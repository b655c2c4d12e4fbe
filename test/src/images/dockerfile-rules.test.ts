// The image rules dockerfile-utils does not check (docs/images.md), plus its own lint with warnings
// counted as failures. `npm run lint:docker` runs the same linter in CI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../harness/processes.ts';
import {
  envOf,
  execForm,
  healthcheckCommand,
  instructionsOf,
  labelsOf,
  lastOf,
  startCommand,
  words,
} from './dockerfile.ts';
import { IMAGES, readDockerfile, readDockerfileText, readDockerIgnore } from './image-files.ts';
import { layoutSteps } from './image-layout.ts';

const chart = parse(readFileSync(join(REPO_ROOT, 'charts/ensign/Chart.yaml'), 'utf8')) as {
  appVersion: string;
};

/** Node 24 images we accept: the official Debian ones and Google's distroless. */
const NODE_24_IMAGE = /^(node:24[-.]|gcr\.io\/distroless\/nodejs24-debian\d+[:@])/;

describe.each(IMAGES)('$file', (spec) => {
  const dockerfile = readDockerfile(spec);
  const final = dockerfile.stages.at(-1);
  if (final === undefined) throw new Error(`${spec.file} has no FROM`);

  it('passes dockerfile-utils with neither errors nor warnings', () => {
    const problems = validate(readDockerfileText(spec)).map((d) => ({
      line: d.range.start.line + 1,
      message: typeof d.message === 'string' ? d.message : d.message.value,
    }));
    expect(problems).toEqual([]);
  });

  it('is a multi-stage build whose stages all start from a pinned Node 24 image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) {
      expect(stage.image).toMatch(NODE_24_IMAGE);
      expect(stage.image).not.toMatch(/:latest(@|$)/);
    }
  });

  it('installs only the production dependencies of its own workspace with npm ci', () => {
    const installs = dockerfile.stages.flatMap((s) => instructionsOf(s, 'RUN')).map((r) => words(r.args));
    expect(installs.some((w) => w.includes('install'))).toBe(false);
    const ci = installs.filter((w) => w[0] === 'npm' && w[1] === 'ci');
    expect(ci).toHaveLength(1);
    expect(ci[0]).toContain('--omit=dev');
    const workspaces = (ci[0] ?? []).flatMap((w, i, all) =>
      w === '-w' || w === '--workspace'
        ? [all[i + 1]]
        : w.startsWith('--workspace=')
          ? [w.split('=')[1]]
          : [],
    );
    expect(workspaces).toEqual([spec.workspace]);
  });

  it('runs nothing in the runtime stage, which has no shell', () => {
    expect(instructionsOf(final, 'RUN')).toEqual([]);
  });

  it('runs as the numeric user and group 65532', () => {
    expect(lastOf(final, 'USER')).toBe('65532:65532');
  });

  it('starts `node <workspace>/src/main.ts` in /app, in exec form, in production mode', () => {
    expect(lastOf(final, 'WORKDIR')).toBe('/app');
    expect(execForm(lastOf(final, 'ENTRYPOINT') ?? '')).toEqual(['node', `${spec.workspace}/src/main.ts`]);
    expect(lastOf(final, 'CMD')).toBeUndefined(); // arguments come from the pod spec's args
    expect(startCommand(final)).toEqual(['node', `${spec.workspace}/src/main.ts`]);
    const env = envOf(final);
    expect(env.get('NODE_ENV')).toBe('production');
    if (final.image.startsWith('gcr.io/distroless/'))
      expect(env.get('PATH')?.split(':')[0]).toBe('/nodejs/bin'); // where distroless keeps node
  });

  it('exposes the ports of the contract and has an exec-form health check', () => {
    const exposed = instructionsOf(final, 'EXPOSE').flatMap((e) => words(e.args).map(Number));
    expect(exposed.sort()).toEqual([...spec.ports].sort());
    expect(healthcheckCommand(final)?.[0]).toBe('node');
  });

  it('carries OCI labels with the chart appVersion', () => {
    const labels = labelsOf(final);
    expect(labels.get('org.opencontainers.image.title')).toBe(spec.title);
    expect(labels.get('org.opencontainers.image.version')).toBe(chart.appVersion);
    expect(labels.get('org.opencontainers.image.licenses')).toBe('Apache-2.0');
    expect(labels.get('org.opencontainers.image.source')).toMatch(/^https:\/\//);
    expect(labels.get('org.opencontainers.image.description')?.length).toBeGreaterThan(20);
  });

  it('copies no tests, test data, benchmarks or docs into the image', () => {
    const ignore = readDockerIgnore();
    const fromContext = layoutSteps(dockerfile).flatMap((s) =>
      s.kind === 'copy' && s.fromStage === undefined ? [s.source] : [],
    );
    expect(fromContext.every((source) => !/^(test|bench|docs|examples|scripts)(\/|$)/.test(source))).toBe(
      true,
    );
    for (const path of [
      `${spec.workspace}/src/main.test.ts`,
      'operator/src/compiler/testdata/shop.yaml',
      'sidecar/src/auth/test-support/tls-operator.ts',
      'core/node_modules/x/index.js',
      'bench/src/run.ts',
      'docs/api.md',
    ])
      expect(ignore.excludes(path), path).toBe(true);
    expect(ignore.excludes(`${spec.workspace}/src/main.ts`)).toBe(false);
  });
});
