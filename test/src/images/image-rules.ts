// The image rules dockerfile-utils does not check (docs/images.md), as one pure function that lists
// every violation, so a failing test names all problems at once.
import {
  envOf,
  execForm,
  healthcheckCommand,
  instructionsOf,
  labelsOf,
  lastOf,
  words,
} from './dockerfile.ts';
import type { Dockerfile } from './dockerfile.ts';
import type { ImageSpec } from './image-files.ts';

/** Node 24 images we accept: the official Debian ones and Google's distroless. */
const NODE_24_IMAGE = /^(node:24[-.]|gcr\.io\/distroless\/nodejs24-debian\d+[:@])/;
const UID_GID = '65532:65532';

function workspacesOf(args: readonly string[]): string[] {
  return args.flatMap((w, i) =>
    w === '-w' || w === '--workspace'
      ? [args[i + 1] ?? '']
      : w.startsWith('--workspace=')
        ? [w.slice(12)]
        : [],
  );
}

function baseImageViolations(dockerfile: Dockerfile): string[] {
  const out: string[] = [];
  if (dockerfile.stages.length < 2) out.push('not a multi-stage build');
  for (const stage of dockerfile.stages) {
    if (!NODE_24_IMAGE.test(stage.image)) out.push(`stage from ${stage.image}: not a tagged Node 24 image`);
    if (/:latest(@|$)/.test(stage.image)) out.push(`stage from ${stage.image}: latest`);
  }
  return out;
}

function installViolations(dockerfile: Dockerfile, spec: ImageSpec): string[] {
  const runs = dockerfile.stages.flatMap((s) => instructionsOf(s, 'RUN')).map((r) => words(r.args));
  const out: string[] = [];
  if (runs.some((w) => w[0] === 'npm' && w.includes('install'))) out.push('npm install instead of npm ci');
  const ci = runs.filter((w) => w[0] === 'npm' && w[1] === 'ci');
  if (ci.length !== 1) out.push(`${ci.length} npm ci runs, not one`);
  for (const args of ci) {
    if (!args.includes('--omit=dev')) out.push('npm ci without --omit=dev');
    const workspaces = workspacesOf(args);
    if (workspaces.length !== 1 || workspaces[0] !== spec.workspace)
      out.push(`npm ci of workspaces [${workspaces.join(', ')}], not [${spec.workspace}]`);
  }
  return out;
}

function runtimeViolations(dockerfile: Dockerfile, spec: ImageSpec): string[] {
  const final = dockerfile.stages.at(-1);
  if (final === undefined) return ['no FROM'];
  const out: string[] = [];
  if (instructionsOf(final, 'RUN').length > 0) out.push('RUN in the runtime stage');
  if (lastOf(final, 'USER') !== UID_GID)
    out.push(`USER ${lastOf(final, 'USER') ?? '(none)'}, not ${UID_GID}`);
  if (lastOf(final, 'WORKDIR') !== '/app') out.push('WORKDIR is not /app');
  const entrypoint = execForm(lastOf(final, 'ENTRYPOINT') ?? '');
  const expected = ['node', `${spec.workspace}/src/main.ts`];
  if (JSON.stringify(entrypoint) !== JSON.stringify(expected))
    out.push(
      `ENTRYPOINT ${lastOf(final, 'ENTRYPOINT') ?? '(none)'}, not exec form ${JSON.stringify(expected)}`,
    );
  if (lastOf(final, 'CMD') !== undefined) out.push('CMD set (arguments come from the pod spec)');
  const env = envOf(final);
  if (env.get('NODE_ENV') !== 'production') out.push('NODE_ENV is not production');
  if (final.image.startsWith('gcr.io/distroless/') && env.get('PATH')?.split(':')[0] !== '/nodejs/bin')
    out.push('distroless runtime without /nodejs/bin first on PATH');
  const exposed = instructionsOf(final, 'EXPOSE').flatMap((e) => words(e.args).map(Number));
  if ([...exposed].sort().join() !== [...spec.ports].sort().join())
    out.push(`EXPOSE ${exposed.join(' ')}, not ${spec.ports.join(' ')}`);
  if (healthcheckCommand(final)?.[0] !== 'node') out.push('no exec-form node HEALTHCHECK');
  return out;
}

function labelViolations(dockerfile: Dockerfile, spec: ImageSpec, appVersion: string): string[] {
  const final = dockerfile.stages.at(-1);
  const labels = final === undefined ? new Map<string, string>() : labelsOf(final);
  const want: [string, (v: string | undefined) => boolean][] = [
    ['title', (v) => v === spec.title],
    ['version', (v) => v === appVersion],
    ['licenses', (v) => v === 'Apache-2.0'],
    ['source', (v) => v?.startsWith('https://') === true],
    ['description', (v) => (v?.length ?? 0) > 20],
  ];
  return want
    .filter(([key, ok]) => !ok(labels.get(`org.opencontainers.image.${key}`)))
    .map(([key]) => `label org.opencontainers.image.${key} missing or wrong`);
}

export function imageRuleViolations(dockerfile: Dockerfile, spec: ImageSpec, appVersion: string): string[] {
  return [
    ...baseImageViolations(dockerfile),
    ...installViolations(dockerfile, spec),
    ...runtimeViolations(dockerfile, spec),
    ...labelViolations(dockerfile, spec, appVersion),
  ];
}
