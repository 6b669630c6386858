/**
 * mDNS as a plugin: decorates `app.mdns`, which server/hub.ts starts once the
 * HTTP and MQTT listeners are up (the advertised ports are known only then),
 * and says goodbye before anything else closes. With `mdns: false`, or a hub
 * that listens on loopback only (nothing on the LAN could reach it; tests and
 * benchmarks), it advertises nothing.
 */
import fp from 'fastify-plugin';
import { type AdvertisedPorts, MdnsAdvertiser } from '../mdns/advertiser.ts';
import { loadHubId } from '../mdns/hub-id.ts';
import { HUB_VERSION } from '../version.ts';
import './types.ts';

export interface MdnsHandle {
  /** The hub's stable id (also in the TXT record). */
  readonly hubId: string;
  start(ports: AdvertisedPorts): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    mdns: MdnsHandle;
  }
}

/** True for an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export const mdnsPlugin = fp(
  async (app) => {
    const hubId = loadHubId(app.config.dataDir);
    const publicHost = app.config.publicHost;
    const advertiser =
      app.config.mdns && !isLoopbackHost(app.config.host)
        ? new MdnsAdvertiser({
            hubId,
            version: HUB_VERSION,
            tlsFingerprint: app.tls?.fingerprint256 ?? null,
            ...(publicHost.endsWith('.local') ? { host: publicHost } : {}),
            log: app.log,
          })
        : null;
    app.decorate('mdns', {
      hubId,
      start: (ports: AdvertisedPorts) => advertiser?.start(ports),
    });
    // preClose: goodbye packets go out while the hub is still whole.
    app.addHook('preClose', async () => {
      await advertiser?.stop();
    });
  },
  { name: 'hearth-mdns' },
);
