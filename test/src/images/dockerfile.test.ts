import { describe, expect, it } from 'vitest';
import { parseDockerIgnore } from './dockerignore.ts';
import {
  envOf,
  healthcheckCommand,
  labelsOf,
  parseCopy,
  parseDockerfile,
  startCommand,
} from './dockerfile.ts';
import { layoutSteps } from './image-layout.ts';

const TEXT = `# syntax comment
ARG BASE=node:24-bookworm-slim
FROM \${BASE} AS deps
WORKDIR /app
COPY package.json \\
  # a comment inside a continuation
  package-lock.json ./
RUN npm ci --omit=dev -w operator

FROM gcr.io/distroless/nodejs24-debian12:nonroot
ARG VERSION=1.2.3
LABEL a.b="two words" \\
      c.d="\${VERSION}"
ENV NODE_ENV=production PATH=/nodejs/bin:/usr/bin
WORKDIR /app
COPY --from=deps /app ./
COPY core/src core/src
HEALTHCHECK --interval=5s CMD ["node", "-e", "1"]
ENTRYPOINT ["node", "operator/src/main.ts"]
CMD ["--help"]
`;

describe('parseDockerfile', () => {
  const dockerfile = parseDockerfile(TEXT);
  const [deps, runtime] = dockerfile.stages;

  it('substitutes global ARG defaults in FROM and names stages', () => {
    expect(dockerfile.stages.map((s) => [s.image, s.name])).toEqual([
      ['node:24-bookworm-slim', 'deps'],
      ['gcr.io/distroless/nodejs24-debian12:nonroot', undefined],
    ]);
  });

  it('joins continuations, skipping comment lines inside them', () => {
    const copy = deps?.instructions.find((i) => i.keyword === 'COPY');
    expect(parseCopy(copy?.args ?? '')).toEqual({
      from: undefined,
      sources: ['package.json', 'package-lock.json'],
      destination: './',
    });
    expect(copy?.line).toBe(5);
  });

  it('reads quoted LABEL values with stage ARG defaults, ENV pairs and exec forms', () => {
    if (runtime === undefined) throw new Error('no runtime stage');
    expect(Object.fromEntries(labelsOf(runtime))).toEqual({ 'a.b': 'two words', 'c.d': '1.2.3' });
    expect(envOf(runtime).get('PATH')).toBe('/nodejs/bin:/usr/bin');
    expect(healthcheckCommand(runtime)).toEqual(['node', '-e', '1']);
    expect(startCommand(runtime)).toEqual(['node', 'operator/src/main.ts', '--help']);
  });

  it('turns COPY and RUN npm ci into layout steps relative to /app', () => {
    expect(layoutSteps(dockerfile)).toEqual([
      {
        kind: 'copy',
        stage: 0,
        fromStage: undefined,
        source: 'package.json',
        destination: '',
        intoDirectory: true,
      },
      {
        kind: 'copy',
        stage: 0,
        fromStage: undefined,
        source: 'package-lock.json',
        destination: '',
        intoDirectory: true,
      },
      { kind: 'npm', stage: 0, args: ['ci', '--omit=dev', '-w', 'operator'] },
      { kind: 'copy', stage: 1, fromStage: 0, source: '', destination: '', intoDirectory: true },
      {
        kind: 'copy',
        stage: 1,
        fromStage: undefined,
        source: 'core/src',
        destination: 'core/src',
        intoDirectory: false,
      },
    ]);
  });

  it('refuses RUN lines it cannot reproduce and working directories other than /app', () => {
    expect(() => layoutSteps(parseDockerfile('FROM node:24\nRUN npm ci && rm -rf x\n'))).toThrow(
      /only a single npm ci/,
    );
    expect(() => layoutSteps(parseDockerfile('FROM node:24\nWORKDIR /srv\n'))).toThrow(/WORKDIR \/srv/);
  });
});

describe('parseDockerIgnore', () => {
  const ignore = parseDockerIgnore('*\n!core/src\n**/*.test.ts\n!core/src/keep.test.ts\n');

  it('lets the last matching rule decide, for a path or any of its parents', () => {
    expect(ignore.excludes('README.md')).toBe(true);
    expect(ignore.excludes('core/package.json')).toBe(true);
    expect(ignore.excludes('core/src/a/b.ts')).toBe(false);
    expect(ignore.excludes('core/src/a/b.test.ts')).toBe(true);
    expect(ignore.excludes('core/src/keep.test.ts')).toBe(false);
  });
});
