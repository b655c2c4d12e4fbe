// JWT-shaped strings with chosen claims and a meaningless signature, for paths that only read
// claims without verifying (the verified paths use jwt-keys.ts or the real API server).
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.c2lnbmF0dXJl`;
}
