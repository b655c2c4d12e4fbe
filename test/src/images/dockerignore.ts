// .dockerignore rules as BuildKit applies them: patterns in order, the last one that matches a path
// or one of its parent directories decides, `!` re-includes. Used to lay out exactly the files a
// `COPY` from the build context would see.
import { matchesGlob } from 'node:path/posix';

interface Rule {
  readonly pattern: string;
  readonly include: boolean;
}

export interface DockerIgnore {
  /** Whether a context-relative POSIX path (no leading `./`) is left out of the build context. */
  excludes(path: string): boolean;
}

function parentsAndSelf(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

export function parseDockerIgnore(text: string): DockerIgnore {
  const rules: Rule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const include = line.startsWith('!');
    const pattern = (include ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
    rules.push({ pattern, include });
  }
  return {
    excludes(path) {
      const candidates = parentsAndSelf(path);
      let excluded = false;
      for (const rule of rules)
        if (candidates.some((candidate) => matchesGlob(candidate, rule.pattern))) excluded = !rule.include;
      return excluded;
    },
  };
}
