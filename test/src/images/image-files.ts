// The two images as the tests know them: which Dockerfile, which workspace, which ports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/processes.ts';
import { parseDockerfile } from './dockerfile.ts';
import type { Dockerfile } from './dockerfile.ts';
import { parseDockerIgnore } from './dockerignore.ts';
import type { DockerIgnore } from './dockerignore.ts';

export interface ImageSpec {
  readonly file: string;
  readonly workspace: 'operator' | 'sidecar';
  readonly title: string;
  /** The ports the contract gives this binary. */
  readonly ports: readonly number[];
}

export const IMAGES: readonly ImageSpec[] = [
  { file: 'Dockerfile.operator', workspace: 'operator', title: 'ensign-operator', ports: [8443, 9443, 8080] },
  { file: 'Dockerfile.sidecar', workspace: 'sidecar', title: 'ensign-sidecar', ports: [8413, 8414, 8415] },
];

export function readDockerfileText(spec: ImageSpec): string {
  return readFileSync(join(REPO_ROOT, spec.file), 'utf8');
}

export function readDockerfile(spec: ImageSpec): Dockerfile {
  return parseDockerfile(readDockerfileText(spec));
}

export function readDockerIgnore(): DockerIgnore {
  return parseDockerIgnore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
}
