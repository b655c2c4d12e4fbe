// Builds the evaluation APIs' authenticate/authorize hooks from the configuration: anonymous with
// --auth=none; otherwise the configured authenticators in their fixed order (static tokens, JWTs,
// service-account tokens via the operator) and namespace authorisation by FlagNamespace access.
import type { Registry } from 'prom-client';
import { allowAllNamespaces, allowAnonymous } from '../api/auth-hooks.ts';
import type { Authenticate, Authorize } from '../api/auth-hooks.ts';
import type { RuleSetLookup } from '../store/lookup.ts';
import { createAuthMetrics } from './auth-metrics.ts';
import { createCallerAuthenticator } from './caller-authenticator.ts';
import type { AuthLogger } from './caller-authenticator.ts';
import { createCallerAuthorizer } from './caller-authorizer.ts';
import { fileJwks, remoteJwks } from './jwks-source.ts';
import type { JwksSource } from './jwks-source.ts';
import { createJwtAuthenticator } from './jwt-authenticator.ts';
import type { OperatorReview } from './operator-review-client.ts';
import { createServiceAccountAuthenticator } from './service-account-authenticator.ts';
import { createStaticTokenAuthenticator, parseStaticTokens } from './static-tokens.ts';
import type { StaticTokenTable } from './static-tokens.ts';
import type { TokenAuthenticator } from './token-authenticator.ts';
import { watchFile } from './watched-file.ts';
import type { ParseResult } from './watched-file.ts';

export interface SidecarAuthConfig {
  readonly auth: 'required' | 'none';
  readonly 'static-tokens-file'?: string | undefined;
  readonly 'jwks-url'?: string | undefined;
  readonly 'jwks-file'?: string | undefined;
  readonly 'jwt-issuer'?: string | undefined;
  readonly 'jwt-audience'?: string | undefined;
  readonly 'jwt-namespace-claim'?: string | undefined;
  readonly 'jwt-service-account-claim'?: string | undefined;
}

export interface SidecarAuthLogger extends AuthLogger {
  info(obj: object, msg: string): void;
}

export interface SidecarAuthDeps {
  readonly lookup: Pick<RuleSetLookup, 'get'>;
  readonly registry: Registry;
  readonly logger: SidecarAuthLogger;
  readonly now: () => number;
  /** The operator's ReviewToken; absent when the sync connection is insecure (no sidecar identity). */
  readonly reviewServiceAccountToken?: ((token: string) => Promise<OperatorReview>) | undefined;
  /** How often watched files are re-read. Default 10 s. */
  readonly pollMs?: number;
}

export interface SidecarAuth {
  readonly authenticate: Authenticate;
  readonly authorize: Authorize;
  /** Names of the authenticators in the order they are asked (for the start-up log). */
  readonly methods: readonly string[];
  close(): void;
}

function staticTokens(text: string): ParseResult<StaticTokenTable> {
  const parsed = parseStaticTokens(text);
  return parsed.ok ? { ok: true, value: parsed.table } : parsed;
}

export async function createSidecarAuth(
  config: SidecarAuthConfig,
  deps: SidecarAuthDeps,
): Promise<SidecarAuth> {
  if (config.auth === 'none')
    return {
      authenticate: allowAnonymous,
      authorize: allowAllNamespaces,
      methods: [],
      close: () => undefined,
    };
  const authenticators: TokenAuthenticator[] = [];
  const closers: (() => void)[] = [];
  const poll = deps.pollMs === undefined ? {} : { pollMs: deps.pollMs };
  try {
    const staticFile = config['static-tokens-file'];
    if (staticFile !== undefined) {
      const file = await watchFile({
        path: staticFile,
        what: 'static tokens file',
        parse: staticTokens,
        logger: deps.logger,
        ...poll,
      });
      closers.push(() => {
        file.close();
      });
      authenticators.push(createStaticTokenAuthenticator(() => file.current()));
    }
    const issuer = config['jwt-issuer'];
    const audience = config['jwt-audience'];
    let jwks: JwksSource | undefined;
    if (config['jwks-url'] !== undefined) jwks = remoteJwks(config['jwks-url']);
    else if (config['jwks-file'] !== undefined)
      jwks = await fileJwks(config['jwks-file'], deps.logger, deps.pollMs);
    if (jwks !== undefined && issuer !== undefined && audience !== undefined) {
      closers.push(() => {
        jwks.close();
      });
      authenticators.push(
        createJwtAuthenticator({
          keys: jwks.keys,
          issuer,
          audience,
          claims: {
            namespace: config['jwt-namespace-claim'],
            serviceAccount: config['jwt-service-account-claim'],
          },
          now: deps.now,
        }),
      );
    }
  } catch (error) {
    for (const close of closers) close();
    throw error;
  }
  if (deps.reviewServiceAccountToken !== undefined)
    authenticators.push(
      createServiceAccountAuthenticator({ review: deps.reviewServiceAccountToken, now: deps.now }),
    );
  const metrics = createAuthMetrics(deps.registry);
  return {
    authenticate: createCallerAuthenticator({ authenticators, metrics, logger: deps.logger }),
    authorize: createCallerAuthorizer({ lookup: deps.lookup, metrics }),
    methods: authenticators.map((a) => a.method),
    close: () => {
      for (const close of closers) close();
    },
  };
}
