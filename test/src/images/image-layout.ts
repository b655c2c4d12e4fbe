// Lays out an image's files without Docker: every stage gets a directory standing for its /app,
// filled by the stage's own COPY instructions (from the build context through .dockerignore, or
// from an earlier stage's directory) and its `RUN npm ci …`. What the final stage's directory
// holds is what the image holds under /app, so starting the entrypoint there proves the image's
// files and production dependencies suffice.
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { DockerIgnore } from './dockerignore.ts';
import { parseCopy, words } from './dockerfile.ts';
import type { Dockerfile } from './dockerfile.ts';

/** The only WORKDIR the layout understands: the contract's /app. */
export const APP_DIR = '/app';

export type LayoutStep =
  | {
      readonly kind: 'copy';
      readonly stage: number;
      /** undefined: the build context; otherwise the index of the stage copied from. */
      readonly fromStage: number | undefined;
      /** Relative to the context, or to the source stage's /app. '' is the whole of it. */
      readonly source: string;
      /** Relative to the stage's /app; '' is /app itself. */
      readonly destination: string;
      /** The destination names a directory (ends in `/`, or is `.`): files keep their names. */
      readonly intoDirectory: boolean;
    }
  | { readonly kind: 'npm'; readonly stage: number; readonly args: readonly string[] };

function underApp(path: string, what: string): string {
  const normal = posix.normalize(path);
  if (normal === APP_DIR || normal === `${APP_DIR}/`) return '';
  if (!normal.startsWith(`${APP_DIR}/`)) throw new Error(`${what} ${path} is outside ${APP_DIR}`);
  return normal.slice(APP_DIR.length + 1).replace(/\/$/, '');
}

function destinationOf(destination: string): { path: string; intoDirectory: boolean } {
  const absolute = destination.startsWith('/') ? destination : posix.join(APP_DIR, destination);
  const intoDirectory = destination.endsWith('/') || destination === '.';
  return { path: underApp(absolute, 'destination'), intoDirectory };
}

/** The file operations a Dockerfile's stages perform, in order; throws on anything else that matters. */
export function layoutSteps(dockerfile: Dockerfile): LayoutStep[] {
  const steps: LayoutStep[] = [];
  const stageIndex = new Map(dockerfile.stages.map((s, i) => [s.name ?? String(i), i]));
  dockerfile.stages.forEach((stage, index) => {
    if (stageIndex.has(stage.image))
      throw new Error(`stage ${index} builds on stage ${stage.image}: unsupported`);
    for (const instruction of stage.instructions) {
      const at = `line ${instruction.line}`;
      if (instruction.keyword === 'WORKDIR' && instruction.args !== APP_DIR)
        throw new Error(`${at}: WORKDIR ${instruction.args} (the layout knows only ${APP_DIR})`);
      if (instruction.keyword === 'RUN') {
        const args = words(instruction.args);
        if (args[0] !== 'npm' || args[1] !== 'ci' || args.some((a) => /[;&|]/.test(a)))
          throw new Error(`${at}: RUN ${instruction.args} (only a single npm ci is reproducible here)`);
        steps.push({ kind: 'npm', stage: index, args: args.slice(1) });
      }
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      if (instruction.keyword === 'ADD') throw new Error(`${at}: ADD (use COPY)`);
      const copy = parseCopy(instruction.args);
      const fromStage = copy.from === undefined ? undefined : stageIndex.get(copy.from);
      if (copy.from !== undefined && fromStage === undefined)
        throw new Error(`${at}: COPY --from=${copy.from} names no earlier stage`);
      const { path, intoDirectory } = destinationOf(copy.destination);
      if (copy.sources.length > 1 && !intoDirectory)
        throw new Error(`${at}: several sources need a destination ending in /`);
      for (const source of copy.sources) {
        const relative =
          fromStage === undefined
            ? posix.normalize(source).replace(/^\.\/?|\/$/g, '')
            : underApp(source, 'source');
        steps.push({
          kind: 'copy',
          stage: index,
          fromStage,
          source: relative,
          destination: path,
          intoDirectory,
        });
      }
    }
  });
  return steps;
}

export interface LayoutShell {
  readonly contextDir: string;
  readonly ignore: DockerIgnore;
  /** Directory under which one directory per stage is made. Must not sit below a node_modules. */
  readonly into: string;
  /** Runs `npm <args>` in a directory. */
  readonly npm: (args: readonly string[], cwd: string) => Promise<void>;
  /**
   * Copies a directory tree from one stage into another, keeping symlinks as they are. Defaults to
   * a real copy; hard links are enough when nothing writes to the stages afterwards.
   */
  readonly copyTree?: (from: string, to: string) => Promise<void>;
}

const copyTreeByCopying = (from: string, to: string): Promise<void> =>
  cp(from, to, { recursive: true, verbatimSymlinks: true });

async function copyFromContext(shell: LayoutShell, source: string, target: string): Promise<void> {
  const absolute = join(shell.contextDir, source);
  if (!(await stat(absolute)).isDirectory()) {
    if (shell.ignore.excludes(source)) throw new Error(`${source} is excluded from the build context`);
    await mkdir(dirname(target), { recursive: true });
    await cp(absolute, target);
    return;
  }
  for (const entry of await readdir(absolute, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const inContext = posix.join(source, posix.relative(absolute, join(entry.parentPath, entry.name)));
    if (shell.ignore.excludes(inContext)) continue;
    const destination = join(target, posix.relative(source, inContext));
    await mkdir(dirname(destination), { recursive: true });
    await cp(join(entry.parentPath, entry.name), destination, { verbatimSymlinks: true });
  }
}

/** Performs the steps; returns the directory standing for the final stage's /app. */
export async function layOutImage(dockerfile: Dockerfile, shell: LayoutShell): Promise<string> {
  const stageDirs = dockerfile.stages.map((s, i) => join(shell.into, `${i}-${s.name ?? 'stage'}`));
  for (const dir of stageDirs) await mkdir(dir, { recursive: true });
  for (const step of layoutSteps(dockerfile)) {
    const root = stageDirs[step.stage] ?? '';
    if (step.kind === 'npm') {
      await shell.npm(step.args, root);
      continue;
    }
    const sourcePath =
      step.fromStage === undefined
        ? join(shell.contextDir, step.source)
        : join(stageDirs[step.fromStage] ?? '', step.source);
    const sourceIsDir = (await stat(sourcePath)).isDirectory();
    const target =
      step.intoDirectory && !sourceIsDir
        ? join(root, step.destination, basename(step.source))
        : join(root, step.destination);
    if (step.fromStage === undefined) await copyFromContext(shell, step.source, target);
    else if (sourceIsDir) await (shell.copyTree ?? copyTreeByCopying)(sourcePath, target);
    else await cp(sourcePath, target);
  }
  return stageDirs.at(-1) ?? shell.into;
}
