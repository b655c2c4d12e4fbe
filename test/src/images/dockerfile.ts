// A small Dockerfile reader for the image tests: enough of the syntax to read our two Dockerfiles
// (line continuations, comments, ARG defaults in FROM, exec and shell forms, COPY flags, ENV and
// LABEL pairs). It reports what an instruction says; deciding whether that is right is the tests'.

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN, … */
  readonly keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  readonly args: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

export interface Stage {
  /** The image named in FROM with ARG defaults substituted. */
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
}

export interface Copy {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

/** Joins continuation lines and drops comments and blank lines. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return; // comments may sit inside a continuation, too
    if (pending === undefined && trimmed === '') return;
    const continues = trimmed.endsWith('\\');
    const body = continues ? trimmed.slice(0, -1).trim() : trimmed;
    pending =
      pending === undefined
        ? { text: body, line: index + 1 }
        : { ...pending, text: `${pending.text} ${body}` };
    if (!continues) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) out.push(pending);
  return out;
}

function substitute(value: string, args: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a, b) => {
    const name = (a ?? b) as string;
    return args.get(name) ?? whole;
  });
}

/** Splits on whitespace like a shell: quoted parts (`k="a b"`) stay in their word, quotes removed. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const [word] of text.matchAll(/(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'])+/g))
    out.push(
      word.replace(
        /"((?:[^"\\]|\\.)*)"|'([^']*)'/g,
        (_all, double: string | undefined, single: string | undefined) =>
          double !== undefined ? double.replace(/\\(.)/g, '$1') : (single ?? ''),
      ),
    );
  return out;
}

function parseFrom(args: string, globalArgs: ReadonlyMap<string, string>): { image: string; name?: string } {
  const parts = words(args).filter((w) => !w.startsWith('--'));
  const image = substitute(parts[0] ?? '', globalArgs);
  const as = parts[1]?.toLowerCase() === 'as' ? parts[2] : undefined;
  return as === undefined ? { image } : { image, name: as };
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string>();
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const match = /^(\S+)\s*(.*)$/.exec(lineText);
    if (match === null) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = match[2] ?? '';
    const current = stages.at(-1);
    if (keyword === 'FROM') {
      const from = parseFrom(args, globalArgs);
      stages.push({ image: from.image, name: from.name, instructions: [] });
    } else if (current === undefined) {
      if (keyword === 'ARG') {
        const [name = '', value = ''] = args.split('=', 2);
        globalArgs.set(name.trim(), value.trim());
      }
    } else {
      current.instructions.push({ keyword, args, line });
    }
  }
  return { globalArgs, stages };
}

/** The exec form's words (a JSON array of strings), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined;
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === 'string'))
    throw new Error(`not a JSON array of strings: ${args}`);
  return parsed;
}

export function parseCopy(args: string): Copy {
  const all = words(args);
  const flags = all.filter((w) => w.startsWith('--'));
  const paths = execForm(args) ?? all.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  const destination = paths.at(-1);
  if (destination === undefined || paths.length < 2)
    throw new Error(`COPY needs a source and a destination: ${args}`);
  return { from, sources: paths.slice(0, -1), destination };
}

/** `KEY=value …` pairs (ENV and LABEL); the legacy `ENV KEY value` form too. */
export function parsePairs(args: string): Map<string, string> {
  const parts = words(args);
  if (parts.length === 2 && parts[0] !== undefined && !parts[0].includes('='))
    return new Map([[parts[0], parts[1] ?? '']]);
  const pairs = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at > 0) pairs.set(part.slice(0, at), part.slice(at + 1));
  }
  return pairs;
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The value of the last instruction of a kind in a stage (WORKDIR, USER, ENTRYPOINT, CMD …). */
export function lastOf(stage: Stage, keyword: string): string | undefined {
  return instructionsOf(stage, keyword).at(-1)?.args;
}

/** Every ENV variable a stage sets, later ones winning. */
export function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of instructionsOf(stage, 'ENV'))
    for (const [key, value] of parsePairs(instruction.args)) env.set(key, value);
  return env;
}

/** ARGs a stage declares, with their defaults (what `${NAME}` means when no --build-arg is given). */
export function stageArgs(stage: Stage): Map<string, string> {
  const args = new Map<string, string>();
  for (const instruction of instructionsOf(stage, 'ARG')) {
    const [name = '', value = ''] = instruction.args.split('=', 2);
    args.set(name.trim(), value.trim());
  }
  return args;
}

/** LABELs with ARG defaults substituted. */
export function labelsOf(stage: Stage): Map<string, string> {
  const args = stageArgs(stage);
  const labels = new Map<string, string>();
  for (const instruction of instructionsOf(stage, 'LABEL'))
    for (const [key, value] of parsePairs(instruction.args)) labels.set(key, substitute(value, args));
  return labels;
}

/** HEALTHCHECK's command in exec form (after its --interval/… options), if any. */
export function healthcheckCommand(stage: Stage): string[] | undefined {
  const args = lastOf(stage, 'HEALTHCHECK');
  if (args === undefined) return undefined;
  const at = args.indexOf('CMD ');
  return at < 0 ? undefined : execForm(args.slice(at + 'CMD '.length));
}

/** The process a container of this stage starts: ENTRYPOINT followed by CMD (both exec form). */
export function startCommand(stage: Stage): string[] {
  const entrypoint = lastOf(stage, 'ENTRYPOINT');
  const cmd = lastOf(stage, 'CMD');
  const entry = entrypoint === undefined ? [] : execForm(entrypoint);
  const rest = cmd === undefined ? [] : execForm(cmd);
  if (entry === undefined || rest === undefined) throw new Error('ENTRYPOINT and CMD must use the exec form');
  return [...entry, ...rest];
}
