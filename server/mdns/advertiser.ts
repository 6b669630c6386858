/**
 * Advertises the hub on the LAN by mDNS / DNS-SD (RFC 6762, RFC 6763), so a
 * device finds it without anyone typing an address: `_hearth._tcp` on the
 * HTTP port, `_mqtt._tcp` on the plain MQTT port and `_secure-mqtt._tcp` on
 * the TLS one, each with the same TXT record (docs/protocol.md §Discovery).
 */
import { hostname } from 'node:os';
import { Bonjour, type Service, type ServiceConfig } from 'bonjour-service';
import { MDNS_HEARTH_TYPE, MDNS_MQTT_TYPE, MDNS_SECURE_MQTT_TYPE } from '../../shared/pairing.ts';
import type { Logger } from '../domain/logger.ts';

/**
 * What bonjour-service hands on to multicast-dns. Its types leave out the
 * socket options, so they are spelled out here instead of being dropped.
 */
export interface MdnsSocketOptions {
  /** Local address to bind the UDP socket to (0.0.0.0: every interface). */
  bind?: string;
  /** Interface (its IPv4 address) to join the multicast group on and send from. */
  interface?: string;
  /** 5353 unless testing. */
  port?: number;
  /** Multicast TTL (255 per RFC 6762 §11). */
  ttl?: number;
  /** Hear our own packets (other processes on this machine browse too). */
  loopback?: boolean;
  reuseAddr?: boolean;
}

export type BonjourOptions = Partial<ServiceConfig> & MdnsSocketOptions;

export interface AdvertisedPorts {
  http: number;
  /** Plain MQTT, or null when it does not listen (TLS only). */
  mqtt: number | null;
  mqttTls: number | null;
}

export interface MdnsAdvertiserOptions {
  hubId: string;
  version: string;
  /** SHA-256 fingerprint of the hub certificate when TLS is on. */
  tlsFingerprint: string | null;
  /** The SRV target; `<machine>.local` unless the hub is configured with a `.local` name. */
  host?: string;
  log: Logger;
  socket?: MdnsSocketOptions;
}

/** The TXT record every advertised service carries (values are strings, RFC 6763 §6). */
export function txtRecord(o: MdnsAdvertiserOptions, ports: AdvertisedPorts): Record<string, string> {
  return {
    id: o.hubId,
    version: o.version,
    http: String(ports.http),
    ...(ports.mqtt === null ? {} : { mqtt: String(ports.mqtt) }),
    ...(ports.mqttTls === null ? {} : { mqtts: String(ports.mqttTls) }),
    ...(o.tlsFingerprint ? { tls_fp: o.tlsFingerprint } : {}),
  };
}

export class MdnsAdvertiser {
  private bonjour: Bonjour | null = null;
  private readonly services: Service[] = [];

  constructor(private readonly options: MdnsAdvertiserOptions) {}

  /** Publishes the services once the hub listens (ports are known only then). */
  start(ports: AdvertisedPorts): void {
    if (this.bonjour) return;
    const { log } = this.options;
    // Binding to 0.0.0.0 hears queries on every interface, including a
    // loopback that carries multicast (the mDNS test's network namespace).
    const socketOptions: BonjourOptions = { bind: '0.0.0.0', ...this.options.socket };
    // Without this callback bonjour-service throws socket errors (port 5353 taken) out of the process.
    this.bonjour = new Bonjour(socketOptions, (err: Error) =>
      log.warn({ err }, 'mDNS: the hub cannot be advertised'),
    );
    const txt = txtRecord(this.options, ports);
    const host = this.options.host ?? `${hostname()}.local`;
    const name = `Hearth ${this.options.hubId}`;
    const publish = (type: string, port: number) => {
      const service = this.bonjour?.publish({ name, type, port, host, txt });
      if (!service) return;
      // A name conflict found by probing (RFC 6762 §8.1) ends that service, not the hub.
      service.on('error', (err: Error) => log.warn({ err, type }, 'mDNS: a service could not be advertised'));
      this.services.push(service);
    };
    publish(MDNS_HEARTH_TYPE, ports.http);
    if (ports.mqtt !== null) publish(MDNS_MQTT_TYPE, ports.mqtt);
    if (ports.mqttTls !== null) publish(MDNS_SECURE_MQTT_TYPE, ports.mqttTls);
    log.info({ name, txt }, 'mDNS: advertising the hub');
  }

  /** Says goodbye (TTL 0 records, RFC 6762 §10.1) and closes the socket. */
  async stop(): Promise<void> {
    const bonjour = this.bonjour;
    if (!bonjour) return;
    this.bonjour = null;
    this.services.length = 0;
    await new Promise<void>((resolve) => {
      // The goodbye is best effort: a socket that is already gone must not hold the shutdown.
      const timer = setTimeout(resolve, 1000);
      bonjour.unpublishAll(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await new Promise<void>((resolve) => bonjour.destroy(() => resolve()));
  }
}
