/**
 * Accounts: first-start setup, login/logout (session cookie), password
 * change, and API tokens for scripts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { ErrorSchema } from '../../shared/api.ts';
import {
  AuthStatusSchema,
  ChangePasswordBodySchema,
  CreatedTokenSchema,
  CreateTokenBodySchema,
  LoginBodySchema,
  SESSION_COOKIE,
  SetupBodySchema,
  TokenSchema,
} from '../../shared/auth.ts';
import { HearthError } from '../domain/errors.ts';
import { isLocal, principalFrom } from '../plugins/auth-plugin.ts';

const tags = ['auth'];
/** Password routes: a few tries a minute per address. */
const slow = { rateLimit: { max: 10, timeWindow: '1 minute' } };

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { auth } = app.services;

  function setCookie(reply: FastifyReply, value: string, expiresAt: number) {
    reply.setCookie(SESSION_COOKIE, value, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: app.config.tls !== 'off',
      expires: new Date(expiresAt),
    });
  }

  function principalOf(request: { principal: unknown }) {
    const p = request.principal as Awaited<ReturnType<typeof auth.session>>;
    if (!p) throw new HearthError('unauthorized', 'not logged in');
    return p;
  }

  app.get(
    '/api/auth/status',
    {
      config: { public: true },
      schema: { tags, summary: 'Is setup needed, and who am I', response: { 200: AuthStatusSchema } },
    },
    async (request) => {
      const p = await principalFrom(auth, request.cookies, request.headers.authorization);
      const setup = auth.setupRequired();
      return {
        setup_required: setup,
        setup_code_required: setup && !isLocal(request),
        authenticated: p !== null,
        user: p ? { name: p.name } : null,
        via: p ? (p.kind === 'user' ? ('session' as const) : ('token' as const)) : null,
      };
    },
  );

  app.post(
    '/api/auth/setup',
    {
      config: { public: true, ...slow },
      schema: {
        tags,
        summary: 'First start: set the owner password (needs the setup code from the hub log unless local)',
        body: SetupBodySchema,
        response: { 204: Type.Null(), 400: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const s = await auth.setup(
        request.body.password,
        request.body.setup_code,
        isLocal(request),
        request.headers['user-agent'] ?? null,
      );
      setCookie(reply, s.cookie, s.expiresAt);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { public: true, ...slow },
      schema: {
        tags,
        summary: 'Log in; sets an HttpOnly session cookie',
        body: LoginBodySchema,
        response: { 204: Type.Null(), 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const s = await auth.login(
        request.body.name ?? 'owner',
        request.body.password,
        request.headers['user-agent'] ?? null,
      );
      setCookie(reply, s.cookie, s.expiresAt);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { public: true },
      schema: { tags, summary: 'End this session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) auth.logout(cookie);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: slow,
      schema: {
        tags,
        summary: "Change the logged-in user's password",
        body: ChangePasswordBodySchema,
        response: { 204: Type.Null(), 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      await auth.changePassword(
        p.userId,
        request.body.current_password,
        request.body.new_password,
        p.kind === 'user' ? p.sessionId : null,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/tokens',
    {
      schema: {
        tags,
        summary: 'API tokens (never their secrets)',
        response: { 200: Type.Array(TokenSchema) },
      },
    },
    async () => auth.tokens(),
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token for a script; the answer holds it, shown only this once',
        body: CreateTokenBodySchema,
        response: { 201: CreatedTokenSchema, 400: ErrorSchema },
      },
    },
    async (request, reply) => {
      const created = await auth.createToken(principalOf(request).userId, request.body.name);
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API token',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      auth.revokeToken(request.params.id);
      return reply.status(204).send(null);
    },
  );
};
