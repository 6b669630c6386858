/** The composition root as a plugin: starts the domain services, stops them on close. */
import fp from 'fastify-plugin';
import { endpointsFor } from '../endpoints.ts';
import { createServices } from '../services.ts';
import './types.ts';

export const servicesPlugin = fp(
  async (app) => {
    const services = createServices({
      config: app.config,
      db: app.db,
      log: app.log,
      clock: Date.now,
      endpoints: () =>
        endpointsFor(
          app.config,
          app.server.address(),
          (app.hasDecorator('broker') ? app.broker.port : null) ?? app.config.mqttPort,
        ),
    });
    services.start();
    app.decorate('services', services);
    app.addHook('onClose', async () => {
      services.stop();
    });
  },
  { name: 'hearth-services', dependencies: ['hearth-db'] },
);
