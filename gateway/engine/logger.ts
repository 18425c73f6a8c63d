/** The logging the engine needs: pino's call shape, so a pino child logger fits. */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Discards everything (tests that do not look at logs). */
export const silentLogger: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };
