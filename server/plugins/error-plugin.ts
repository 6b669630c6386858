/**
 * One place where errors become HTTP answers: domain errors map to their
 * status, validation and client errors answer 4xx with `{ error, message }`,
 * anything else is logged and answers a bare 500.
 */
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { type ErrorCode, HearthError } from '../domain/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  device_offline: 409,
  timeout: 504,
  device_error: 502,
  unavailable: 503,
};

/** Fastify's own client errors, by status, as our codes. */
function codeForStatus(status: number): string {
  if (status === 400) return 'invalid_input';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  return 'bad_request';
}

export const errorPlugin = fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError | HearthError, request, reply) => {
      if (err instanceof HearthError) {
        return reply.status(STATUS[err.code]).send({ error: err.code, message: err.message });
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return reply.status(status).send({ error: codeForStatus(status), message: err.message });
      }
      request.log.error({ err }, 'request failed');
      return reply.status(500).send({ error: 'internal', message: 'internal error' });
    });
  },
  { name: 'hearth-errors' },
);
