// The logging the local source and controller need; pino's Logger satisfies it. Injected, so these
// modules do not import a logging library.
export interface LocalLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
