/** The logging surface the domain needs; fastify's pino logger satisfies it. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (CLI tools, unit tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Wall-clock source, injected so tests can control time. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
