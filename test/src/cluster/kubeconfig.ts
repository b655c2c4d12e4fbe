// Kubeconfig files for the test control plane. kubectl, client-node and helm all read JSON
// kubeconfigs (JSON is YAML), so no YAML library is needed. Certificates are inlined as *-data so
// a kubeconfig stays valid when copied elsewhere.

/** The `user` part of a kubeconfig user entry. */
export type KubeconfigUser =
  | { readonly clientCertificatePem: string; readonly clientKeyPem: string }
  | { readonly token: string }
  /** Impersonation through the admin credential (existing clusters, where we hold no CA key). */
  | { readonly as: string; readonly asGroups: readonly string[] };

export interface KubeconfigSpec {
  readonly server: string;
  readonly caPem: string;
  readonly userName: string;
  readonly user: KubeconfigUser;
}

/** A parsed single-context kubeconfig, as `kubectl config view --raw --minify --flatten -o json` prints it. */
export interface KubeconfigDocument {
  readonly 'current-context'?: string;
  readonly contexts?: readonly { readonly name: string; readonly context: Record<string, unknown> }[];
  readonly users?: readonly { readonly name: string; readonly user: Record<string, unknown> }[];
  readonly [key: string]: unknown;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function userFields(user: KubeconfigUser): Record<string, unknown> {
  if ('token' in user) return { token: user.token };
  if ('clientCertificatePem' in user)
    return {
      'client-certificate-data': base64(user.clientCertificatePem),
      'client-key-data': base64(user.clientKeyPem),
    };
  return { as: user.as, 'as-groups': [...user.asGroups] };
}

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const name = 'ensign-test';
  return serializeKubeconfig({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: spec.server, 'certificate-authority-data': base64(spec.caPem) } }],
    users: [{ name: spec.userName, user: userFields(spec.user) }],
    contexts: [{ name, context: { cluster: name, user: spec.userName } }],
    'current-context': name,
    preferences: {},
  });
}

/**
 * The same cluster and context as `admin`, authenticated as someone else. Impersonation keeps
 * the admin's own credential and adds `as`; every other kind replaces the credential.
 */
export function withUser(
  admin: KubeconfigDocument,
  userName: string,
  user: KubeconfigUser,
): KubeconfigDocument {
  const current = admin.contexts?.find((c) => c.name === admin['current-context']) ?? admin.contexts?.[0];
  if (current === undefined) throw new Error('kubeconfig has no context');
  const adminUser = admin.users?.find((u) => u.name === current.context.user)?.user ?? {};
  const fields = 'as' in user ? { ...adminUser, ...userFields(user) } : userFields(user);
  return {
    ...admin,
    users: [{ name: userName, user: fields }],
    contexts: [{ name: current.name, context: { ...current.context, user: userName } }],
    'current-context': current.name,
  };
}

export function serializeKubeconfig(document: KubeconfigDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
