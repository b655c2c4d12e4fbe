// Who a verified JWT stands for. Configured claim names win (--jwt-namespace-claim,
// --jwt-service-account-claim); otherwise Kubernetes' own shapes are read: the `kubernetes.io`
// claim of service-account tokens, then a `sub` of the form system:serviceaccount:<ns>:<name>.
import type { Principal } from '../api/auth-hooks.ts';

export interface JwtClaimNames {
  /** Top-level claim holding the caller's namespace. */
  readonly namespace?: string | undefined;
  /** Top-level claim holding the caller's service-account name. */
  readonly serviceAccount?: string | undefined;
}

type Claims = Readonly<Record<string, unknown>>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function record(value: unknown): Claims | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Claims) : undefined;
}

const SA_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

function kubernetesIdentity(claims: Claims): { namespace?: string; serviceAccount?: string } {
  const k8s = record(claims['kubernetes.io']);
  if (k8s !== undefined) {
    const namespace = text(k8s.namespace);
    const serviceAccount = text(record(k8s.serviceaccount)?.name);
    return {
      ...(namespace === undefined ? {} : { namespace }),
      ...(serviceAccount === undefined ? {} : { serviceAccount }),
    };
  }
  const match = SA_SUBJECT.exec(text(claims.sub) ?? '');
  return match === null ? {} : { namespace: match[1] ?? '', serviceAccount: match[2] ?? '' };
}

export function principalFromClaims(claims: Claims, names: JwtClaimNames): Principal {
  const k8s = kubernetesIdentity(claims);
  const namespace = names.namespace === undefined ? k8s.namespace : text(claims[names.namespace]);
  const serviceAccount =
    names.serviceAccount === undefined
      ? names.namespace === undefined
        ? k8s.serviceAccount
        : undefined
      : text(claims[names.serviceAccount]);
  return {
    subject: text(claims.sub) ?? 'jwt',
    method: 'jwt',
    ...(namespace === undefined ? {} : { namespace }),
    ...(namespace === undefined || serviceAccount === undefined ? {} : { serviceAccount }),
  };
}
