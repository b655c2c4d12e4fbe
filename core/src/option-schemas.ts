// zod schemas for option values both binaries share, so they parse and word errors the same way.
import { z } from 'zod';
import { splitHostPort } from './cli-options.ts';
import type { OptionSpec } from './cli-options.ts';

export const addressValue = z.string().refine((v) => splitHostPort(v) !== undefined, 'must be host:port');

export const booleanValue = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const namespaceValue = z.string().regex(NAMESPACE_NAME, 'must be a Kubernetes namespace name');

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const logLevelValue = z.enum(LOG_LEVELS).default('info');

export const LOG_LEVEL_OPTION: OptionSpec = {
  name: 'log-level',
  env: 'ENSIGN_LOG_LEVEL',
  default: 'info',
  description: `One of ${LOG_LEVELS.join(', ')}.`,
};
