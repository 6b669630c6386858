/** Pairing: the window, the waiting devices, approve (with the code the device shows) or reject. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorSchema } from '../../shared/api.ts';
import {
  ApproveBodySchema,
  ApprovedSchema,
  OpenWindowBodySchema,
  PairingNonceParamsSchema,
  PairingSessionSchema,
  PairingStateSchema,
} from '../../shared/pairing.ts';
import { CodeMismatchError } from '../domain/pairing-service.ts';

const tags = ['pairing'];

export const pairingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pairing } = app.services;

  app.get(
    '/api/pairing',
    {
      schema: {
        tags,
        summary: 'The pairing window and recent pairing sessions (newest first) with their steps',
        response: { 200: PairingStateSchema },
      },
    },
    async () => pairing.state(),
  );

  app.post(
    '/api/pairing/window',
    {
      schema: {
        tags,
        summary: 'Open the pairing window (default 180 s, at most 900 s); open again to extend it',
        body: OpenWindowBodySchema,
        response: { 200: PairingStateSchema, 400: ErrorSchema },
      },
    },
    async (request) => pairing.openWindow(request.body.duration_s),
  );

  app.delete(
    '/api/pairing/window',
    {
      schema: {
        tags,
        summary: 'Close the pairing window early; waiting devices are told it timed out',
        response: { 200: PairingStateSchema },
      },
    },
    async () => pairing.closeWindow(),
  );

  app.post(
    '/api/pairing/sessions/:nonce/approve',
    {
      schema: {
        tags,
        summary:
          'Approve a waiting device with the code it shows: the hub mints its credentials and hands them to that session only',
        params: PairingNonceParamsSchema,
        body: ApproveBodySchema,
        response: {
          200: ApprovedSchema,
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      try {
        const { session, deviceId } = await pairing.approve(request.params.nonce, request.body);
        return { session, device_id: deviceId };
      } catch (err) {
        // Its own error code, so the dashboard can say "wrong code" and keep the session open.
        if (err instanceof CodeMismatchError) {
          return reply.status(409).send({ error: err.reason, message: err.message });
        }
        throw err;
      }
    },
  );

  app.post(
    '/api/pairing/sessions/:nonce/reject',
    {
      schema: {
        tags,
        summary: 'Reject a waiting device; it is told so',
        params: PairingNonceParamsSchema,
        response: { 200: PairingSessionSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => pairing.reject(request.params.nonce),
  );
};
