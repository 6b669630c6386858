import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthDevice } from '../../devices/sdk/hearth-device.ts';
import type { HealthDto, HistoryDto } from '../../shared/api.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

const run = promisify(execFile);

/** HTTPS against the hub, trusting only its own certificate. */
function get(url: string, ca: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(url, { ca, headers }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('TLS (self-signed)', () => {
  let t: TestHub;
  let ca: string;
  let tlsUrl: string;
  beforeAll(async () => {
    t = await startTestHub({ overrides: { tls: 'self-signed', mqttTlsPort: 0 } });
    const tls = t.hub.app.tls;
    if (!tls) throw new Error('TLS is not on');
    ca = readFileSync(tls.certPath, 'utf8');
    tlsUrl = `mqtts://localhost:${t.hub.mqttTlsPort}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes a certificate once, keeps it in the data dir, and shows its fingerprint', async () => {
    const health = await get(`https://localhost:${t.hub.httpPort}/api/health`, ca);
    expect(health.status).toBe(200);
    const body = JSON.parse(health.body) as HealthDto;
    expect(body.tls.enabled).toBe(true);
    expect(body.tls.fingerprint_sha256).toBe(new X509Certificate(ca).fingerprint256);
    expect(body.mqtt.url).toMatch(/^mqtts:\/\//);
    // Plain MQTT is off while TLS is on (mqttPlaintext: auto).
    expect(t.hub.mqttPort).toBe(-1);
    // Plain HTTP on the TLS port is refused.
    await expect(fetch(`http://127.0.0.1:${t.hub.httpPort}/api/health`)).rejects.toThrow();
  });

  it('serves MQTT over TLS to the device SDK and to mosquitto_pub --cafile', async () => {
    const { credentials } = await t.hub.app.services.devices.create({ name: 'Secure', id: 'secure-1' });
    expect(credentials.mqtt_url).toMatch(/^mqtts:/);
    const device = new HearthDevice({
      url: tlsUrl,
      id: 'secure-1',
      password: credentials.password,
      description: {
        model: 'm',
        firmware: '1',
        metrics: [{ name: 'temperature' }],
        controls: [],
        methods: [],
      },
      mqtt: { ca },
    });
    await device.start();
    device.telemetry({ temperature: 19.5 }, Date.now() - 1000);
    await waitFor(() => device.stats.telemetrySent === 1);
    await device.stop();

    await run('mosquitto_pub', [
      ...['-h', 'localhost', '-p', String(t.hub.mqttTlsPort), '--cafile', t.hub.app.tls?.certPath ?? ''],
      ...['-i', 'secure-1', '-u', 'secure-1', '-P', credentials.password],
      ...['-t', 'hearth/secure-1/telemetry', '-q', '1', '-m', '{"temperature":20.5}'],
    ]);
    const history = t.hub.app.services.telemetry.history('secure-1', {
      metric: 'temperature',
      from: Date.now() - 60_000,
      to: Date.now() + 1000,
      points: 100,
    }) as HistoryDto;
    expect(history.value).toEqual([19.5, 20.5]);

    // A client that does not trust the certificate is refused by its own TLS check.
    await expect(
      run('mosquitto_pub', [
        '-h',
        'localhost',
        '-p',
        String(t.hub.mqttTlsPort),
        '--capath',
        '/nonexistent',
        '-t',
        'x',
        '-m',
        'y',
      ]),
    ).rejects.toThrow();
  });
});
