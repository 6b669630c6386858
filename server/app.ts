/**
 * buildApp(config): registers every plugin in order and returns the fastify
 * instance. It never listens (server/hub.ts does).
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import { alertRoutes } from './http/alert-routes.ts';
import { authRoutes } from './http/auth-routes.ts';
import { backupRoutes } from './http/backup-routes.ts';
import { commandRoutes } from './http/command-routes.ts';
import { desiredRoutes } from './http/desired-routes.ts';
import { deviceRoutes } from './http/device-routes.ts';
import { healthRoutes } from './http/health-routes.ts';
import { historyRoutes } from './http/history-routes.ts';
import { integrationRoutes } from './http/integration-routes.ts';
import { pairingRoutes } from './http/pairing-routes.ts';
import { pingRoutes } from './http/ping-routes.ts';
import { ruleRoutes } from './http/rule-routes.ts';
import { statsRoutes } from './http/stats-routes.ts';
import { storageRoutes } from './http/storage-routes.ts';
import { authPlugin } from './plugins/auth-plugin.ts';
import { brokerPlugin } from './plugins/broker-plugin.ts';
import { dbPlugin } from './plugins/db-plugin.ts';
import { errorPlugin } from './plugins/error-plugin.ts';
import { mdnsPlugin } from './plugins/mdns-plugin.ts';
import { metricsPlugin } from './plugins/metrics-plugin.ts';
import { realtimePlugin } from './plugins/realtime-plugin.ts';
import { servicesPlugin } from './plugins/services-plugin.ts';
import { validatorCompiler } from './plugins/validation.ts';
import { webPlugin } from './plugins/web-plugin.ts';
import type { TlsMaterial } from './tls.ts';
import { HUB_VERSION } from './version.ts';
import './plugins/types.ts';

/** The fastify instance with Hearth's server options. */
function createFastify(logger: FastifyServerOptions['logger'], tls: TlsMaterial | null) {
  return Fastify({
    logger,
    // With TLS on, the one HTTP port serves HTTPS, the dashboard's WSS and MQTT over WSS.
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
    bodyLimit: 64 * 1024,
    // Router-level errors (malformed URL encoding, over-long params) skip the
    // error handler; answer them in the same `{ error, message }` shape.
    frameworkErrors: (err, _request, reply) => {
      void (reply as FastifyReply)
        .status(err.statusCode ?? 400)
        .send({ error: 'invalid_input', message: err.message });
    },
    // Idle keep-alive sockets must not hold a shutdown open.
    forceCloseConnections: 'idle',
    // Response serializers are compiled on a route's first answer, not all at
    // start-up: ~100 routes of them cost a good part of a second of every start.
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/** fastify's own serializer compiler, deferred until a route first answers with a given status. */
function lazySerializers(...args: Parameters<ReturnType<typeof SerializerSelector>>) {
  const compile = SerializerSelector()(...args);
  return (route: Parameters<typeof compile>[0]) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => {
      serialize ??= compile(route);
      return serialize(data);
    };
  };
}

export async function buildApp(
  config: Config,
  logger: FastifyServerOptions['logger'] = { level: config.logLevel },
  tls: TlsMaterial | null = null,
) {
  const app = createFastify(logger, tls);
  app.setValidatorCompiler(validatorCompiler);
  // JSON only: a cross-site form can send text/plain, never application/json.
  app.removeContentTypeParser('text/plain');
  app.decorate('config', config);
  app.decorate('tls', tls);

  try {
    await registerAll(app);
  } catch (err) {
    // What did load (the database, its lock) must not stay held by a hub that never started.
    await app.close().catch(() => {});
    throw err;
  }
  return app;
}

/** Every plugin and route, in order: infrastructure first, then the API, then the web app. */
async function registerAll(app: ReturnType<typeof createFastify>) {
  await app.register(errorPlugin);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hearth API',
        version: HUB_VERSION,
        description: 'The HTTP API of the Hearth home hub. The MQTT contract is in docs/protocol.md.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(dbPlugin);
  await app.register(servicesPlugin);
  await app.register(authPlugin);
  await app.register(brokerPlugin);
  await app.register(realtimePlugin);
  await app.register(mdnsPlugin);
  await app.register(metricsPlugin);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(integrationRoutes);
  await app.register(deviceRoutes);
  await app.register(historyRoutes);
  await app.register(commandRoutes);
  await app.register(ruleRoutes);
  await app.register(alertRoutes);
  await app.register(desiredRoutes);
  await app.register(storageRoutes);
  await app.register(pairingRoutes);
  await app.register(statsRoutes);
  await app.register(pingRoutes);
  await app.register(backupRoutes);
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(webPlugin);
}

export type HearthApp = Awaited<ReturnType<typeof buildApp>>;
