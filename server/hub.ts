/**
 * Starting and stopping a whole hub: the app, its HTTP listener and the MQTT
 * TCP listener. main.ts, the demo and the tests all go through here.
 */
import type { FastifyServerOptions } from 'fastify';
import { buildApp, type HearthApp } from './app.ts';
import type { Config } from './config.ts';

export interface RunningHub {
  app: HearthApp;
  httpPort: number;
  mqttPort: number;
  close(): Promise<void>;
}

export async function startHub(config: Config, logger?: FastifyServerOptions['logger']): Promise<RunningHub> {
  const app = await buildApp(config, logger);
  try {
    await app.listen({ port: config.httpPort, host: config.host });
    const mqttPort = await app.broker.listen(config.mqttPort, config.host);
    const addr = app.server.address();
    const httpPort = typeof addr === 'object' && addr ? addr.port : config.httpPort;
    return { app, httpPort, mqttPort, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}
