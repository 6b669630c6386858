/** What the plugins decorate the fastify instance with. */
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { MqttBroker } from '../mqtt/broker.ts';
import type { LiveFeed } from '../realtime/live-feed.ts';
import type { Services } from '../services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    services: Services;
    broker: MqttBroker;
    live: LiveFeed;
  }
}
