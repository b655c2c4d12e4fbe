// Process plumbing shared by both binaries: --help, configuration errors, and signal handling.
// Node is often PID 1 in a container, where signals have no default action: handlers are explicit.
import { OptionsError, renderHelp } from './cli-options.ts';
import type { OptionSpec } from './cli-options.ts';

export function parseOrExit<T>(
  command: string,
  summary: string,
  specs: readonly OptionSpec[],
  argv: readonly string[],
  parse: () => T,
): T {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(renderHelp(command, summary, specs) + '\n');
    process.exit(0);
  }
  try {
    return parse();
  } catch (error) {
    if (error instanceof OptionsError) {
      process.stderr.write(
        `${command}: invalid configuration\n${error.message}\nRun ${command} --help for all flags.\n`,
      );
      process.exit(2);
    }
    throw error;
  }
}

/** Runs `shutdown` once on SIGTERM or SIGINT, then exits 0 (1 if shutdown failed). */
export function onShutdownSignal(shutdown: (signal: string) => Promise<void>): void {
  let started = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (started) return;
    started = true;
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
