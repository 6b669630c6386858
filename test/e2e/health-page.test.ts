/**
 * The health page in a real browser: after some traffic, every chart has
 * data and keeps updating (GET /api/stats, polled), with the probe table,
 * dropped/refused counters, storage figures and the connection card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUP_TIERS } from '../../server/db/tiers.ts';
import {
  launchBrowser,
  logInBrowser,
  seriousA11yViolations,
  type TestBrowser,
  waitForAttribute,
  waitForText,
} from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { startTestHeater, type TestHeater } from '../helpers/test-heater.ts';
import { waitFor } from '../helpers/wait.ts';

const CHARTS = [
  'messages',
  'readings',
  'dropped',
  'mqtt_clients',
  'devices_online',
  'live_clients',
  'event_loop_lag',
  'db_size',
  'db_write',
  'probe_rtt',
  'command_rtt',
];

describe('health page', () => {
  let t: TestHub;
  let b: TestBrowser;
  let heater: TestHeater;
  let traffic: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    t = await startTestHub();
    const { credentials } = await t.addDevice('Attic heater', { id: 'attic-heater', room: 'Attic' });
    heater = await startTestHeater({ url: t.mqttUrl, id: 'attic-heater', password: credentials.password });
    // A little steady traffic while the page is open: readings, and a command now and then.
    let n = 0;
    traffic = setInterval(() => {
      heater.publish(20 + (n++ % 10) / 10);
      if (n % 5 === 0)
        void t.api('/api/devices/attic-heater/rpc', { method: 'POST', body: { method: 'identify' } });
    }, 200);
    b = await launchBrowser();
  });

  afterAll(async () => {
    if (traffic) clearInterval(traffic);
    await b?.close();
    await heater?.stop();
    await t?.close();
  });

  const chart = (name: string) => b.page.locator(`.stat-chart[data-chart="${name}"]`);
  const points = async (name: string) => Number(await chart(name).getAttribute('data-points'));

  it('renders a live chart per statistic, with data after some traffic', async () => {
    const { page } = b;
    await logInBrowser(page, t.baseUrl);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health' }).click();
    await waitForText(page.locator('h1'), 'Health');
    await waitForAttribute(page.locator('.health'), 'data-state', 'ready', { timeoutMs: 15_000 });
    for (const name of CHARTS) {
      await chart(name).locator('canvas').first().waitFor();
    }
    await waitFor(
      async () => ((await points('messages')) > 0 && (await points('readings')) > 0) || undefined,
      {
        what: 'message and reading rates charted',
        timeoutMs: 20_000,
      },
    );
    await waitFor(async () => (await points('mqtt_clients')) > 0 || undefined, { what: 'clients charted' });
    expect(await chart('messages').getByRole('img').getAttribute('aria-label')).toMatch(
      /MQTT messages over the last hour: in: latest .*\/s/,
    );
    await waitForText(chart('devices_online').locator('.stat-latest'), '1');
  });

  it('keeps polling: newer samples arrive without a reload', async () => {
    const before = await points('readings');
    await waitFor(async () => (await points('readings')) > before || undefined, {
      what: 'a newer sample',
      timeoutMs: 20_000,
    });
  });

  it('shows the probe per QoS, the drop and refusal counters, storage and the connection', async () => {
    const { page } = b;
    await waitFor(async () => (await page.locator('.probe-table tbody tr').count()) > 0 || undefined, {
      what: 'probe results',
      timeoutMs: 20_000,
    });
    await waitForText(page.locator('.probe-table tbody tr').first(), /QoS \d/);
    await waitForText(page.locator('.probe-commands'), /Commands in the last hour: \d+/);
    await waitForText(page.locator('section[aria-labelledby="counters-title"]'), /Dropped messages: \d+/);
    const storage = page.locator('section[aria-labelledby="storage-title"]');
    await waitForText(storage.locator('[data-figure="size"]'), /^\d+(\.\d)? (B|KB|MB)$/);
    await waitForText(storage.locator('[data-figure="days_365"]'), /^\d+(\.\d)? (B|KB|MB|GB)$/);
    const tiers = storage.locator('tr[data-tier]');
    expect(await tiers.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tier')))).toEqual([
      'raw',
      ...ROLLUP_TIERS.map((t) => t.name),
    ]);
    await waitForText(storage.locator('tr[data-tier="6h"] th'), '6-hour rollups');
    await waitForText(page.locator('[data-field="mqtt-url"]'), /^mqtts?:\/\//);
  });

  it('has no serious or critical accessibility violations on the health page', async () => {
    expect(await seriousA11yViolations(b.page)).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('works at phone size: the charts fit the screen', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 390, height: 844 });
    await waitFor(
      async () => {
        const box = await chart('messages').boundingBox();
        return (box && box.width <= 390 && box.width > 250) || undefined;
      },
      { what: 'a chart as wide as the phone' },
    );
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
