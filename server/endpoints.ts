/** The URLs devices use to reach this hub, as put into their credentials. */
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { MQTT_WS_PATH } from './mqtt/broker.ts';

export interface Endpoints {
  mqttUrl: string;
  wsUrl: string;
}

export interface BoundPorts {
  http: AddressInfo | string | null;
  /** Bound plain MQTT port, when listening. */
  mqtt: number | null;
  /** Bound MQTT-over-TLS port, when listening. */
  mqttTls: number | null;
}

/**
 * Prefers TLS when it is on. Uses bound ports when listening (port 0 in
 * tests), the configured ones otherwise.
 */
export function endpointsFor(config: Config, bound: BoundPorts): Endpoints {
  const httpPort = typeof bound.http === 'object' && bound.http !== null ? bound.http.port : config.httpPort;
  const tls = config.tls !== 'off';
  const mqtt = tls
    ? `mqtts://${config.publicHost}:${bound.mqttTls ?? config.mqttTlsPort}`
    : `mqtt://${config.publicHost}:${bound.mqtt ?? config.mqttPort}`;
  return {
    mqttUrl: mqtt,
    wsUrl: `${tls ? 'wss' : 'ws'}://${config.publicHost}:${httpPort}${MQTT_WS_PATH}`,
  };
}
