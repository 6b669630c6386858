/**
 * The embedded broker as a plugin. It does not listen on TCP by itself
 * (server/hub.ts does, next to the HTTP listener); it takes MQTT-over-WebSocket
 * upgrades on `/mqtt`, and disconnects everyone before the HTTP server closes.
 */
import fp from 'fastify-plugin';
import { MqttBroker } from '../mqtt/broker.ts';
import './types.ts';

export const brokerPlugin = fp(
  async (app) => {
    const broker = await MqttBroker.create({
      services: app.services,
      db: app.db,
      log: app.log,
      maxPayloadBytes: app.config.maxPayloadBytes,
      rateLimit: app.config.mqttRateLimit,
      maxConnections: app.config.mqttMaxConnections,
      maxTopicLevels: app.config.mqttMaxTopicLevels,
      clock: Date.now,
    });
    app.decorate('broker', broker);
    app.server.on('upgrade', (req, socket, head) => {
      broker.handleUpgrade(req, socket, head);
    });
    // preClose: upgraded sockets would otherwise keep the HTTP server open.
    app.addHook('preClose', async () => {
      await broker.close();
    });
  },
  { name: 'hearth-broker', dependencies: ['hearth-services'] },
);
