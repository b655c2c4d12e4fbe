// Local mode's controller: directory snapshots → compile per namespace → publish changed rule sets.
// Problems are logged once when they appear and once when they are resolved.
import type { RuleSet } from '@ensign/proto/ensign/sync/v1/sync.ts';
import { compareCodePoints } from '../compiler/canonical-json.ts';
import { compile } from '../compiler/compile.ts';
import type { Diagnostic } from '../compiler/diagnostic.ts';
import type { RuleSetPublisher } from '../sync/publisher.ts';
import { tracedCompile, tracedReconcile } from '../sync/rule-set-spans.ts';
import { DirSource, type DirSnapshot, type Timers } from './dir-source.ts';
import type { LocalLogger } from './local-logger.ts';
import type { ManifestError } from './parse-manifests.ts';

export interface LocalControllerOptions {
  publisher: RuleSetPublisher;
  logger: LocalLogger;
  /** Called after every compile with its duration (ms) and the number of objects not compiled fresh. */
  onCompiled?: ((namespace: string, ms: number, failing: number) => void) | undefined;
  /** Monotonic milliseconds, for compile durations. */
  now?: (() => number) | undefined;
}

interface Problem {
  fields: object;
  message: string;
}

export class LocalController {
  readonly #publisher: RuleSetPublisher;
  readonly #logger: LocalLogger;
  readonly #onCompiled: LocalControllerOptions['onCompiled'];
  readonly #now: () => number;
  readonly #published = new Map<string, RuleSet>();
  #problems = new Map<string, Problem>();
  #synced = false;

  constructor(options: LocalControllerOptions) {
    this.#publisher = options.publisher;
    this.#logger = options.logger;
    this.#onCompiled = options.onCompiled;
    this.#now = options.now ?? (() => 0);
  }

  /** The rule set last published for a namespace. */
  current(namespace: string): RuleSet | undefined {
    return this.#published.get(namespace);
  }

  handleSnapshot(snapshot: DirSnapshot): void {
    const problems = new Map<string, Problem>();
    for (const error of snapshot.errors) addProblem(problems, manifestProblem(error));
    // Namespaces that lost their last object are compiled from nothing: they publish an empty rule set.
    const namespaces = [...new Set([...snapshot.namespaces.keys(), ...this.#published.keys()])].sort(
      compareCodePoints,
    );
    for (const namespace of namespaces) {
      tracedReconcile(namespace, 'dir', (span) => {
        const published = this.#reconcile(namespace, snapshot, problems);
        span.setAttribute('ensign.ruleset.published', published);
      });
    }
    this.#logChanges(problems);
    if (!this.#synced) {
      this.#synced = true;
      this.#publisher.markSynced?.();
    }
  }

  /** Compiles one namespace and publishes the result when its revision changed; true if it did. */
  #reconcile(namespace: string, snapshot: DirSnapshot, problems: Map<string, Problem>): boolean {
    const objects = snapshot.namespaces.get(namespace);
    const previous = this.#published.get(namespace);
    const started = this.#now();
    const {
      ruleSet,
      diagnostics,
      objects: outcomes,
    } = tracedCompile(namespace, () =>
      compile({
        namespace,
        flags: objects?.flags ?? [],
        segments: objects?.segments ?? [],
        previous,
        flagNamespace: objects?.flagNamespace,
      }),
    );
    this.#onCompiled?.(namespace, this.#now() - started, outcomes.filter((o) => !o.ready).length);
    for (const diagnostic of diagnostics) addProblem(problems, diagnosticProblem(diagnostic));
    if (previous?.revision === ruleSet.revision) return false;
    this.#publisher.publish(ruleSet);
    this.#published.set(namespace, ruleSet);
    this.#logger.info(
      {
        namespace,
        revision: ruleSet.revision,
        flags: ruleSet.flags.length,
        segments: ruleSet.segments.length,
      },
      'rule set published',
    );
    return true;
  }

  #logChanges(problems: Map<string, Problem>): void {
    for (const [key, problem] of problems) {
      if (!this.#problems.has(key)) this.#logger.warn(problem.fields, problem.message);
    }
    for (const [key, problem] of this.#problems) {
      if (!problems.has(key)) this.#logger.info(problem.fields, `resolved: ${problem.message}`);
    }
    this.#problems = problems;
  }
}

function addProblem(problems: Map<string, Problem>, problem: Problem): void {
  problems.set(JSON.stringify([problem.fields, problem.message]), problem);
}

function manifestProblem(error: ManifestError): Problem {
  const { message, ...fields } = error;
  return { fields, message: `invalid manifest: ${message}` };
}

function diagnosticProblem(diagnostic: Diagnostic): Problem {
  const { message, ...fields } = diagnostic;
  return { fields, message };
}

export interface StartLocalControllerOptions extends LocalControllerOptions {
  /** The directory of Flag / Segment / FlagNamespace YAML (`--source dir:PATH`). */
  root: string;
  debounceMs?: number;
  timers?: Timers;
}

export interface RunningLocalController {
  controller: LocalController;
  close(): Promise<void>;
}

/** Starts watching `root`; resolves once the first snapshot has been compiled and published. */
export async function startLocalController(
  options: StartLocalControllerOptions,
): Promise<RunningLocalController> {
  const controller = new LocalController(options);
  const source = new DirSource({
    root: options.root,
    logger: options.logger,
    onSnapshot: (snapshot) => {
      controller.handleSnapshot(snapshot);
    },
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });
  await source.start();
  return { controller, close: () => source.close() };
}
