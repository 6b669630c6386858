/**
 * The live connection in a real browser: when the hub goes away a banner says
 * so; when the hub comes back (same data dir, same ports) the page reconnects
 * and resyncs by itself, without a reload.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  logInBrowser,
  type TestBrowser,
  tile,
  waitForAttribute,
  waitForLive,
  waitForText,
} from '../helpers/browser.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import { startTestHeater, type TestHeater } from '../helpers/test-heater.ts';
import { waitFor } from '../helpers/wait.ts';

describe('connection banner', () => {
  const dataDir = tempDir();
  let t: TestHub;
  let b: TestBrowser;
  let heater: TestHeater | undefined;

  beforeAll(async () => {
    t = await startTestHub({ dataDir });
    const { credentials } = await t.addDevice('Porch heater', { id: 'porch-heater', room: 'Porch' });
    heater = await startTestHeater({ url: t.mqttUrl, id: 'porch-heater', password: credentials.password });
    heater.publish(12.5);
    b = await launchBrowser();
  });

  afterAll(async () => {
    await b?.close();
    await heater?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a banner when the hub goes away and clears it when the hub returns, then resyncs', async () => {
    const { page } = b;
    await logInBrowser(page, t.baseUrl);
    await waitForText(tile(page, 'porch-heater').locator('.reading-value'), '12.5 °C');
    expect(await page.locator('.banner').count()).toBe(0);
    const marker = await page.evaluate(() => {
      (globalThis as unknown as { marker: number }).marker = 7;
      return 7;
    });

    const ports = { httpPort: t.hub.httpPort, mqttPort: t.hub.mqttPort };
    await t.close(true);

    await waitForText(page.locator('.banner'), /Live connection lost\. Reconnecting by itself/);
    await waitForAttribute(page.locator('.banner-region'), 'data-live', 'reconnecting');
    // The page stays usable and says what it knew.
    await waitForText(tile(page, 'porch-heater').locator('.reading-value'), '12.5 °C');

    t = await startTestHub({ dataDir, overrides: ports });
    await waitForLive(page, 20_000);
    expect(await page.locator('.banner').count()).toBe(0);
    // Resynced, and live: the heater reconnects to the restarted hub by itself and reports again.
    await waitForText(tile(page, 'porch-heater').locator('.badge'), 'Online', { timeoutMs: 15_000 });
    await waitFor(() => heater?.device.connected, { what: 'the heater reconnected' });
    heater?.publish(13.1);
    await waitForText(tile(page, 'porch-heater').locator('.reading-value'), '13.1 °C');
    const timeline = (await (await t.api('/api/devices/porch-heater/presence')).json()) as {
      reason: string;
    }[];
    expect(timeline.map((e) => e.reason)).toContain('hub_shutdown');
    // Live again: a device added now appears without a reload.
    await t.addDevice('Shed heater', { id: 'shed-heater', room: 'Shed' });
    await tile(page, 'shed-heater').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(marker);
    expect(b.errors).toEqual([]);
  });
});
