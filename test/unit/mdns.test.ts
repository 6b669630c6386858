/** The pure parts of discovery: what the hub puts in TXT, how a device reads it, and the `mdns` setting. */
import type { Service } from 'bonjour-service';
import { describe, expect, it } from 'vitest';
import { hubFromService } from '../../devices/sdk/discovery.ts';
import { normalizeFingerprint } from '../../devices/sdk/tls-pin.ts';
import { loadConfig } from '../../server/config.ts';
import { silentLogger } from '../../server/domain/logger.ts';
import { txtRecord } from '../../server/mdns/advertiser.ts';
import { isLoopbackHost } from '../../server/plugins/mdns-plugin.ts';

const base = { hubId: 'h123', version: '0.1.0', log: silentLogger };

/** The fields of a browsed service that discovery reads. */
const browsed = (txt: Record<string, string>, extra: Partial<Service> = {}) =>
  ({ name: 'Hearth h123', port: 8080, txt, addresses: [], ...extra }) as unknown as Service;

describe('mDNS', () => {
  it('puts the id, version, ports and fingerprint in the TXT record, leaving out what is off', () => {
    expect(txtRecord({ ...base, tlsFingerprint: null }, { http: 8080, mqtt: 1883, mqttTls: null })).toEqual({
      id: 'h123',
      version: '0.1.0',
      http: '8080',
      mqtt: '1883',
    });
    expect(
      txtRecord({ ...base, tlsFingerprint: 'AB:CD' }, { http: 8080, mqtt: null, mqttTls: 8883 }),
    ).toEqual({
      id: 'h123',
      version: '0.1.0',
      http: '8080',
      mqtts: '8883',
      tls_fp: 'AB:CD',
    });
  });

  it('reads a hub from a browsed service: TLS preferred, IPv4 preferred, the sender as a fallback', () => {
    const plain = hubFromService(
      browsed({ id: 'h123', http: '8080', mqtt: '1883' }, { addresses: ['fe80::1', '192.168.1.5'] }),
    );
    expect(plain).toMatchObject({
      host: '192.168.1.5',
      mqttUrl: 'mqtt://192.168.1.5:1883',
      tlsFingerprint: null,
    });
    const secure = hubFromService(
      browsed(
        { id: 'h123', http: '8443', mqtt: '1883', mqtts: '8883', tls_fp: 'AB:CD' },
        { referer: { address: '10.0.0.2', family: 'IPv4', port: 5353, size: 1 } },
      ),
    );
    expect(secure).toMatchObject({
      host: '10.0.0.2',
      httpPort: 8443,
      mqttTlsPort: 8883,
      mqttUrl: 'mqtts://10.0.0.2:8883',
      tlsFingerprint: 'AB:CD',
    });
    // Not a Hearth hub, or nothing to connect to: ignored.
    expect(hubFromService(browsed({ mqtt: '1883' }, { addresses: ['10.0.0.2'] }))).toBeNull();
    expect(hubFromService(browsed({ id: 'h1', mqtt: 'x' }, { addresses: ['10.0.0.2'] }))).toBeNull();
  });

  it('normalizes fingerprints however they are written', () => {
    expect(normalizeFingerprint('ab:cd:ef')).toBe('AB:CD:EF');
    expect(normalizeFingerprint('abcdef')).toBe('AB:CD:EF');
  });

  it('does not advertise a hub on loopback only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '192.168.1.5', '::'].map(isLoopbackHost)).toEqual([false, false, false]);
  });

  it('is on by default, and HEARTH_MDNS takes true/false words', () => {
    const load = (env: Record<string, string>) => loadConfig({ env, cwd: '/tmp', hostname: 'h' });
    expect(load({}).mdns).toBe(true);
    expect(load({ HEARTH_MDNS: 'false' }).mdns).toBe(false);
    expect(load({ HEARTH_MDNS: 'off' }).mdns).toBe(false);
    expect(load({ HEARTH_MDNS: 'TRUE' }).mdns).toBe(true);
    expect(() => load({ HEARTH_MDNS: 'maybe' })).toThrow(/HEARTH_MDNS: "maybe" is not true or false/);
  });
});
