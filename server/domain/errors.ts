/**
 * Typed domain errors. Each transport translates them once: HTTP status +
 * `{ error, message }` in the error-handler plugin, a dropped-and-counted
 * message on MQTT.
 */

export const ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'device_offline',
  'timeout',
  'device_error',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class HearthError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'HearthError';
    this.code = code;
  }
}

/** Shorthand for the most common one. */
export function notFound(what: string): HearthError {
  return new HearthError('not_found', `${what} not found`);
}
