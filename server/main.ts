/**
 * Process entry: config, start, graceful close on SIGINT/SIGTERM. The only
 * module that reads process.env.
 */
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { startHub } from './hub.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({ env: process.env, cwd: process.cwd(), hostname: `${hostname()}.local` });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const hub = await startHub(config);
  const { log } = hub.app;
  log.info(
    { http: hub.httpPort, mqtt: hub.mqttPort, data: config.dataDir },
    `Hearth is up: dashboard http://localhost:${hub.httpPort}/ · MQTT mqtt://localhost:${hub.mqttPort} · WebSocket /mqtt`,
  );
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) log.error({ err }, 'closing after an error');
    else log.info({ signal }, 'shutting down');
    await hub.close();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
