/**
 * Finding a hub on the LAN by mDNS / DNS-SD: browse `_hearth._tcp` and read
 * the ports and TLS fingerprint from its TXT record (docs/protocol.md
 * §Discovery).
 */
import { Bonjour, type Service, type ServiceConfig } from 'bonjour-service';
import { MDNS_HEARTH_TYPE } from '../../shared/pairing.ts';

export interface DiscoveredHub {
  /** The mDNS instance name, e.g. `Hearth h3k9…`. */
  name: string;
  /** The hub id from TXT `id`. */
  id: string;
  version: string | null;
  /** An address the hub answered from (IPv4 preferred). */
  host: string;
  httpPort: number;
  mqttPort: number | null;
  mqttTlsPort: number | null;
  /** SHA-256 fingerprint of the hub's certificate (TXT `tls_fp`) when TLS is on. */
  tlsFingerprint: string | null;
  /** The MQTT URL to pair over: TLS when offered, plain MQTT otherwise. */
  mqttUrl: string;
}

/** multicast-dns socket options bonjour-service passes on (its own types leave them out). */
export interface DiscoverySocketOptions {
  bind?: string;
  interface?: string;
  port?: number;
}

export interface DiscoverOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Only a hub with this id. */
  hubId?: string;
  socket?: DiscoverySocketOptions;
}

const port = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : null;
};

/** Turns a browsed service into a hub, or null when its TXT record is not a Hearth hub's. */
export function hubFromService(service: Service): DiscoveredHub | null {
  const txt = (service.txt ?? {}) as Record<string, unknown>;
  const id = typeof txt.id === 'string' ? txt.id : null;
  if (!id) return null;
  const addresses = service.addresses ?? [];
  // In a network with only a loopback (or when A records are missing) the sender's address is the hub's.
  const host =
    addresses.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)) ?? addresses[0] ?? service.referer?.address;
  if (!host) return null;
  const mqttPort = port(txt.mqtt);
  const mqttTlsPort = port(txt.mqtts);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const mqttUrl =
    mqttTlsPort !== null
      ? `mqtts://${urlHost}:${mqttTlsPort}`
      : mqttPort !== null
        ? `mqtt://${urlHost}:${mqttPort}`
        : null;
  if (mqttUrl === null) return null;
  return {
    name: service.name,
    id,
    version: typeof txt.version === 'string' ? txt.version : null,
    host,
    httpPort: port(txt.http) ?? service.port,
    mqttPort,
    mqttTlsPort,
    tlsFingerprint: typeof txt.tls_fp === 'string' ? txt.tls_fp : null,
    mqttUrl,
  };
}

/** Browses for `_hearth._tcp` and resolves with the first hub that answers; rejects after the timeout. */
export function discoverHub(options: DiscoverOptions = {}): Promise<DiscoveredHub> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // 0.0.0.0 hears answers on every interface (and on a multicast loopback in tests).
  const socketOptions: Partial<ServiceConfig> & DiscoverySocketOptions = {
    bind: '0.0.0.0',
    ...options.socket,
  };
  // Socket errors (5353 taken) end in the timeout's message rather than a throw out of the process.
  const bonjour = new Bonjour(socketOptions, () => {});
  return new Promise<DiscoveredHub>((resolve, reject) => {
    const browser = bonjour.find({ type: MDNS_HEARTH_TYPE });
    const finish = (err: Error | null, hub?: DiscoveredHub) => {
      clearTimeout(timer);
      browser.stop();
      bonjour.destroy();
      if (hub) resolve(hub);
      else reject(err ?? new Error('discovery stopped'));
    };
    const timer = setTimeout(
      () => finish(new Error(`no Hearth hub answered on the LAN (mDNS _hearth._tcp) within ${timeoutMs} ms`)),
      timeoutMs,
    );
    browser.on('up', (service) => {
      const hub = hubFromService(service);
      if (hub && (options.hubId === undefined || hub.id === options.hubId)) finish(null, hub);
    });
  });
}
