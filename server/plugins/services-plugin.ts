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
      tlsFingerprint: () => app.tls?.fingerprint256 ?? null,
      endpoints: () => {
        const broker = app.hasDecorator('broker') ? app.broker : null;
        return endpointsFor(app.config, {
          http: app.server.address(),
          mqtt: broker?.port ?? null,
          mqttTls: broker?.tlsPort ?? null,
        });
      },
    });
    await services.init();
    services.start();
    if (services.auth.setupRequired()) {
      app.log.warn(
        { setup_code: services.auth.setupCode },
        `No owner account yet. Open the dashboard to set the owner password; from another machine it asks for the setup code ${services.auth.setupCode}`,
      );
    }
    app.decorate('services', services);
    app.addHook('onClose', async () => {
      services.stop();
    });
  },
  { name: 'hearth-services', dependencies: ['hearth-db'] },
);
