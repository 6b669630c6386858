/**
 * Run by test/integration/mdns.test.ts inside a private network namespace
 * (multicast on its loopback only): starts two hubs that advertise by mDNS,
 * one plain and one with TLS, finds each with the device SDK's discovery,
 * pairs a device with each without being given any URL, and prints one JSON
 * line per result on stdout.
 */
import { discoverHub } from '../../devices/sdk/discovery.ts';
import { HearthDevice } from '../../devices/sdk/hearth-device.ts';
import { pairDevice } from '../../devices/sdk/pairing.ts';
import { pinnedTlsOptions } from '../../devices/sdk/tls-pin.ts';
import { startTestHub, type TestHub } from './hub.ts';
import { HEATER_DESCRIPTION } from './test-heater.ts';
import { waitFor } from './wait.ts';

const print = (kind: string, value: unknown) => console.log(JSON.stringify({ kind, value }));

/** Opens the window, pairs by discovery alone, approves with the code shown, connects with the result. */
async function pairAndConnect(t: TestHub, label: string): Promise<void> {
  const { pairing } = t.hub.app.services;
  pairing.openWindow(60);
  const steps: string[] = [];
  let code = '';
  const paired = pairDevice({
    hubId: t.hub.app.mdns.hubId,
    discoverTimeoutMs: 10_000,
    description: HEATER_DESCRIPTION,
    timeoutMs: 20_000,
    onCode: (c) => {
      code = c;
    },
    onStatus: (p) => steps.push(p.step),
  });
  paired.catch(() => {});
  const session = await waitFor(() => pairing.state().sessions.find((s) => s.state === 'waiting'), {
    what: `${label}: a waiting session`,
    timeoutMs: 15_000,
  });
  await pairing.approve(session.nonce, { code, name: `${label} heater` });
  const creds = await paired;
  const tls = creds.tls_fingerprint
    ? await pinnedTlsOptions('127.0.0.1', Number(new URL(creds.mqtt_url).port), creds.tls_fingerprint)
    : {};
  const device = new HearthDevice({
    url: creds.mqtt_url,
    id: creds.device_id,
    password: creds.password,
    description: HEATER_DESCRIPTION,
    mqtt: tls,
  });
  await device.start(10_000);
  await waitFor(() => t.hub.app.services.devices.get(creds.device_id).presence.status === 'online', {
    what: `${label}: the device online`,
  });
  await device.stop();
  print(`paired_${label}`, { steps, tls_fingerprint: creds.tls_fingerprint ?? null, url: creds.mqtt_url });
}

async function main(): Promise<void> {
  // 0.0.0.0: a hub on loopback only does not advertise; this namespace has no other interface anyway.
  const plain = await startTestHub({ overrides: { mdns: true, host: '0.0.0.0' } });
  const secure = await startTestHub({
    overrides: { mdns: true, host: '0.0.0.0', tls: 'self-signed', mqttTlsPort: 0, mqttPlaintext: 'off' },
  });
  try {
    print('hubs', {
      plain: { id: plain.hub.app.mdns.hubId, http: plain.hub.httpPort, mqtt: plain.hub.mqttPort },
      secure: {
        id: secure.hub.app.mdns.hubId,
        http: secure.hub.httpPort,
        mqtts: secure.hub.mqttTlsPort,
        fingerprint: secure.hub.app.tls?.fingerprint256 ?? null,
      },
    });
    print('discovered_plain', await discoverHub({ hubId: plain.hub.app.mdns.hubId, timeoutMs: 10_000 }));
    print('discovered_secure', await discoverHub({ hubId: secure.hub.app.mdns.hubId, timeoutMs: 10_000 }));
    await pairAndConnect(plain, 'plain');
    await pairAndConnect(secure, 'secure');
  } finally {
    await plain.close();
    await secure.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    print('error', err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
