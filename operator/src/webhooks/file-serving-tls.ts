// The webhook's serving certificate from files (--webhook-tls-cert/--webhook-tls-key, e.g. a
// cert-manager Secret volume), re-read while the operator runs; see certificates/serving-pair.ts.
import type { ServingTls } from '../certificates/operator-certificates.ts';
import {
  watchServingPairFiles,
  type ServingPairFilesOptions,
  type ServingPairLogger,
} from '../certificates/serving-pair.ts';

export type FileServingTlsLogger = ServingPairLogger;

/** The files to serve and watch (see certificates/serving-pair.ts). */
export type FileServingTlsOptions = Omit<ServingPairFilesOptions, 'purpose'>;

export interface FileServingTls extends ServingTls {
  /** Reads the files now; true when a new pair was installed. */
  reload(): Promise<boolean>;
  close(): void;
}

export async function createFileServingTls(options: FileServingTlsOptions): Promise<FileServingTls> {
  const pair = await watchServingPairFiles({ ...options, purpose: 'webhook' });
  return {
    current: () => {
      const { cert, key } = pair.current();
      return { cert: cert.toString('utf8'), key: key.toString('utf8') };
    },
    onChange: (listener) => pair.onChange(listener),
    reload: async () => (await pair.reload()) === 'installed',
    close: () => {
      pair.close();
    },
  };
}
