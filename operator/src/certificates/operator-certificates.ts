// The certificates the operator's servers present, and the CAs clients must trust: the interface
// between this folder (self-managed or file-based certificates) and the servers and the injection
// webhook that use them.

export interface ServingPem {
  /** PEM chain: the serving certificate first. */
  readonly cert: string;
  readonly key: string;
}

/** Current key and chain for one TLS server. */
export interface ServingTls {
  current(): ServingPem;
  /** Called after current() changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export interface OperatorCertificates {
  readonly webhook: ServingTls;
  readonly sync: ServingTls;
  /** PEM of every CA that sidecars and the API server must trust now. */
  caBundle(): string;
  onCaChange(listener: () => void): () => void;
  close(): void;
}

/** A set of listeners, for the onChange methods above. */
export class Listeners {
  readonly #listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
