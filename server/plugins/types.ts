/** What the plugins decorate the fastify instance with. */
import type { Config } from '../config.ts';
import type { Checkpointer } from '../db/checkpointer.ts';
import type { Db } from '../db/database.ts';
import type { Pruner } from '../db/pruner.ts';
import type { RetentionRepo } from '../db/retention-repo.ts';
import type { StorageStatsReader } from '../db/storage-stats.ts';
import type { MqttBroker } from '../mqtt/broker.ts';
import type { LiveFeed } from '../realtime/live-feed.ts';
import type { Services } from '../services.ts';
import type { TlsMaterial } from '../tls.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    tls: TlsMaterial | null;
    db: Db;
    storage: {
      file: string;
      retention: RetentionRepo;
      pruner: Pruner;
      checkpointer: Checkpointer;
      stats: StorageStatsReader;
    };
    services: Services;
    broker: MqttBroker;
    live: LiveFeed;
  }
}
