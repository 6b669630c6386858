/** The URLs devices use to reach this hub, as put into their credentials. */
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { MQTT_WS_PATH } from './mqtt/broker.ts';

export interface Endpoints {
  mqttUrl: string;
  wsUrl: string;
}

/** Uses the bound HTTP port when listening (port 0 in tests), the configured one otherwise. */
export function endpointsFor(
  config: Config,
  httpAddress: AddressInfo | string | null,
  mqttPort = config.mqttPort,
): Endpoints {
  const httpPort =
    typeof httpAddress === 'object' && httpAddress !== null ? httpAddress.port : config.httpPort;
  return {
    mqttUrl: `mqtt://${config.publicHost}:${mqttPort}`,
    wsUrl: `ws://${config.publicHost}:${httpPort}${MQTT_WS_PATH}`,
  };
}
