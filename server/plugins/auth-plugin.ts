/**
 * Secure by default: every `/api` route needs a session cookie or a Bearer
 * token, except the ones a route marks `config: { public: true }` (health,
 * auth, the API docs). Also sets security headers on every response and
 * rate-limits the routes that take passwords.
 */
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SESSION_COOKIE } from '../../shared/auth.ts';
import type { Principal } from '../domain/auth-service.ts';
import './types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** No credentials needed. */
    public?: boolean;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Whether the request comes from the hub's own machine. */
export function isLocal(request: FastifyRequest): boolean {
  return LOOPBACK.has(request.socket.remoteAddress ?? '');
}

/** Reads the principal from a cookie header or an Authorization header. */
export async function principalFrom(
  auth: { session(c: string): Promise<Principal | null>; bearer(t: string): Promise<Principal | null> },
  cookies: Record<string, string | undefined>,
  authorization: string | undefined,
): Promise<Principal | null> {
  if (authorization?.startsWith('Bearer ')) return auth.bearer(authorization.slice(7).trim());
  const session = cookies[SESSION_COOKIE];
  return session ? auth.session(session) : null;
}

export const authPlugin = fp(
  async (app) => {
    await app.register(cookie);
    await app.register(helmet, {
      // Plain HTTP on a LAN is the default: no forced upgrade, no HSTS.
      hsts: false,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
    });
    await app.register(rateLimit, { global: false });

    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return;
      // The API's documentation is public; the data behind it is not.
      if (request.url.startsWith('/api/docs')) return;
      request.principal = await principalFrom(
        app.services.auth,
        request.cookies,
        request.headers.authorization,
      );
      if (request.principal) return;
      const setup = app.services.auth.setupRequired();
      return reply.status(401).send({
        error: setup ? 'setup_required' : 'unauthorized',
        message: setup
          ? 'no owner yet: set the owner password first (POST /api/auth/setup, or open the dashboard)'
          : 'log in, or send an API token as "Authorization: Bearer <token>"',
      });
    });
  },
  { name: 'hearth-auth', dependencies: ['hearth-services'] },
);
