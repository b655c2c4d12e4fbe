// The image rules dockerfile-utils does not check (image-rules.ts, docs/images.md), plus its own
// lint with warnings counted as failures. `npm run lint:docker` runs the same linter in CI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../harness/processes.ts';
import { parseDockerfile } from './dockerfile.ts';
import { IMAGES, readDockerfile, readDockerfileText, readDockerIgnore } from './image-files.ts';
import { layoutSteps } from './image-layout.ts';
import { imageRuleViolations } from './image-rules.ts';

const chart = parse(readFileSync(join(REPO_ROOT, 'charts/ensign/Chart.yaml'), 'utf8')) as {
  appVersion: string;
};

describe.each(IMAGES)('$file', (spec) => {
  const dockerfile = readDockerfile(spec);

  it('passes dockerfile-utils with neither errors nor warnings', () => {
    const problems = validate(readDockerfileText(spec)).map((d) => ({
      line: d.range.start.line + 1,
      message: typeof d.message === 'string' ? d.message : d.message.value,
    }));
    expect(problems).toEqual([]);
  });

  it('follows every image rule: Node 24 stages, npm ci --omit=dev of its workspace, user 65532, exec-form node entrypoint, ports, labels', () => {
    expect(imageRuleViolations(dockerfile, spec, chart.appVersion)).toEqual([]);
  });

  it('copies no tests, test data, benchmarks or docs into the image', () => {
    const ignore = readDockerIgnore();
    const fromContext = layoutSteps(dockerfile).flatMap((s) =>
      s.kind === 'copy' && s.fromStage === undefined ? [s.source] : [],
    );
    expect(fromContext.filter((source) => /^(test|bench|docs|examples|scripts)(\/|$)/.test(source))).toEqual(
      [],
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

describe('the image rules', () => {
  it('name every rule a careless Dockerfile breaks', () => {
    const careless = parseDockerfile(`FROM node:latest
WORKDIR /srv
COPY . .
RUN npm install
USER node
ENV NODE_ENV=development
EXPOSE 3000
CMD npm start
`);
    const [operator] = IMAGES;
    if (operator === undefined) throw new Error('no images');
    expect(imageRuleViolations(careless, operator, '0.1.0')).toEqual([
      'not a multi-stage build',
      'stage from node:latest: not a tagged Node 24 image',
      'stage from node:latest: latest',
      'npm install instead of npm ci',
      '0 npm ci runs, not one',
      'RUN in the runtime stage',
      'USER node, not 65532:65532',
      'WORKDIR is not /app',
      'ENTRYPOINT (none), not exec form ["node","operator/src/main.ts"]',
      'CMD set (arguments come from the pod spec)',
      'NODE_ENV is not production',
      'EXPOSE 3000, not 8443 9443 8080',
      'no exec-form node HEALTHCHECK',
      'label org.opencontainers.image.title missing or wrong',
      'label org.opencontainers.image.version missing or wrong',
      'label org.opencontainers.image.licenses missing or wrong',
      'label org.opencontainers.image.source missing or wrong',
      'label org.opencontainers.image.description missing or wrong',
    ]);
  });

  it('refuse an npm ci that keeps devDependencies or installs another workspace', () => {
    const [operator] = IMAGES;
    if (operator === undefined) throw new Error('no images');
    const text = readDockerfileText(operator).replace(
      'npm ci --omit=dev --no-audit --no-fund -w operator',
      'npm ci --no-audit --no-fund -w sidecar',
    );
    expect(imageRuleViolations(parseDockerfile(text), operator, chart.appVersion)).toEqual([
      'npm ci without --omit=dev',
      'npm ci of workspaces [sidecar], not [operator]',
    ]);
  });
});
