// Command-line flags and environment variables of the Ensign binaries, declared once as a table:
// the parser, `--help` and the README's configuration reference all come from it.

export interface OptionSpec {
  /** Flag name without dashes, e.g. `grpc-addr`. */
  readonly name: string;
  /** Environment variable read when the flag is absent. */
  readonly env: string;
  readonly description: string;
  /** Shown in help and docs; the zod schema applies it. */
  readonly default?: string;
  /** A boolean flag: `--name` alone means true. */
  readonly boolean?: boolean;
}

export type RawOptions = Record<string, string | undefined>;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

/** Reads flags (`--name=value`, `--name value`, `--name` for booleans) with env vars as fallback. */
export function readOptions(
  specs: readonly OptionSpec[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): RawOptions {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const raw: RawOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--'))
      throw new OptionsError(`unexpected argument "${arg}"; flags look like --name=value`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (spec === undefined)
      throw new OptionsError(
        `unknown flag --${name}; known flags: ${specs.map((s) => `--${s.name}`).join(', ')}`,
      );
    if (eq !== -1) raw[name] = arg.slice(eq + 1);
    else if (spec.boolean === true) raw[name] = 'true';
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw new OptionsError(`flag --${name} needs a value`);
      raw[name] = value;
      i++;
    }
  }
  for (const spec of specs) {
    if (raw[spec.name] === undefined && env[spec.env] !== undefined && env[spec.env] !== '')
      raw[spec.name] = env[spec.env];
  }
  return raw;
}

export function renderHelp(command: string, summary: string, specs: readonly OptionSpec[]): string {
  const lines = [
    `Usage: ${command} [--flag=value ...]`,
    '',
    summary,
    '',
    'Flags (environment variable in brackets):',
  ];
  for (const spec of specs) {
    const def = spec.default === undefined ? '' : ` (default ${spec.default})`;
    lines.push(`  --${spec.name}  [${spec.env}]${def}`, `      ${spec.description}`);
  }
  return lines.join('\n');
}

/** The Markdown table the README's configuration reference contains verbatim (checked by a test). */
export function renderOptionsTable(specs: readonly OptionSpec[]): string {
  const rows = specs.map(
    (s) =>
      `| \`--${s.name}\` | \`${s.env}\` | ${s.default === undefined ? '' : `\`${s.default}\``} | ${s.description} |`,
  );
  return ['| flag | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** Formats zod issues as `--flag: message` lines, naming the flag (and its env var) at fault. */
export function describeIssues(
  specs: readonly OptionSpec[],
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues
    .map((issue) => {
      const key = String(issue.path[0] ?? '');
      const spec = specs.find((s) => s.name === key);
      return spec === undefined ? issue.message : `--${spec.name} (${spec.env}): ${issue.message}`;
    })
    .join('\n');
}

export function isLoopbackAddress(address: string): boolean {
  const host = splitHostPort(address)?.host;
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
  if (match === null) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? '', port };
}
