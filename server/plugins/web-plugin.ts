/**
 * Serves the built dashboard (web/dist) from the hub's own port, with the
 * single-page-app fallback: unknown non-API GETs answer index.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import './types.ts';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Hearth</title>
<p>The dashboard is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it).</p>`;

function isApiPath(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url.startsWith('/socket.io') || url.startsWith('/mqtt');
}

export const webPlugin = fp(
  async (app) => {
    const dir = app.config.webDir;
    const built = existsSync(join(dir, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, { root: dir, wildcard: false, index: ['index.html'] });
    }
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !isApiPath(request.url)) {
        if (built) return reply.type('text/html').sendFile('index.html');
        return reply.type('text/html').send(NOT_BUILT);
      }
      return reply
        .status(404)
        .send({ error: 'not_found', message: `no route ${request.method} ${request.url}` });
    });
  },
  { name: 'hearth-web' },
);
