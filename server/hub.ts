/**
 * Starting and stopping a whole hub: the app, its HTTP listener and the MQTT
 * TCP listener. main.ts, the demo and the tests all go through here.
 */
import type { FastifyServerOptions } from 'fastify';
import { buildApp, type HearthApp } from './app.ts';
import type { Config } from './config.ts';
import { LISTEN_BACKLOG } from './listen.ts';
import { loadTls } from './tls.ts';

export interface RunningHub {
  app: HearthApp;
  httpPort: number;
  /** Plain MQTT port, or -1 when plain MQTT is off (TLS only). */
  mqttPort: number;
  /** MQTT over TLS port, or null when TLS is off. */
  mqttTlsPort: number | null;
  close(): Promise<void>;
}

/** Whether plain MQTT listens, given the TLS setting. */
export function plaintextMqtt(config: Config): boolean {
  return config.mqttPlaintext === 'on' || (config.mqttPlaintext === 'auto' && config.tls === 'off');
}

export async function startHub(config: Config, logger?: FastifyServerOptions['logger']): Promise<RunningHub> {
  const tls = await loadTls(config);
  const app = await buildApp(config, logger, tls);
  try {
    // MQTT over WebSocket reconnects through this port too: the same deep accept queue.
    await app.listen({ port: config.httpPort, host: config.host, backlog: LISTEN_BACKLOG });
    const mqttPort = plaintextMqtt(config) ? await app.broker.listen(config.mqttPort, config.host) : null;
    const mqttTlsPort = tls ? await app.broker.listenTls(config.mqttTlsPort, config.host, tls) : null;
    const addr = app.server.address();
    const httpPort = typeof addr === 'object' && addr ? addr.port : config.httpPort;
    app.mdns.start({ http: httpPort, mqtt: mqttPort, mqttTls: mqttTlsPort });
    return { app, httpPort, mqttPort: mqttPort ?? -1, mqttTlsPort, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}
