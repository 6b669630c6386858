/**
 * The home page in a real browser against a real hub with simulated heaters:
 * live tiles, heater control that never lies (pending → confirmed, failures
 * with their reason), read now, offline devices, accessibility, and the
 * screenshot the README shows.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  logInBrowser,
  seriousA11yViolations,
  type TestBrowser,
  tile,
  waitForAttribute,
  waitForText,
} from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { startTestHeater, type TestHeater } from '../helpers/test-heater.ts';

describe('dashboard home', () => {
  let t: TestHub;
  let b: TestBrowser;
  const heaters: Record<string, TestHeater> = {};

  async function addHeater(id: string, name: string, room: string, temperature: number) {
    const { credentials } = await t.addDevice(name, { id, room });
    const heater = await startTestHeater({
      url: t.mqttUrl,
      id,
      password: credentials.password,
      temperature,
    });
    heater.publish(temperature);
    heaters[id] = heater;
    return heater;
  }

  beforeAll(async () => {
    t = await startTestHub();
    await addHeater('living-heater', 'Living room heater', 'Living room', 20.4);
    await addHeater('bedroom-heater', 'Bedroom heater', 'Bedroom', 18.9);
    await addHeater('office-heater', 'Office heater', 'Office', 21.2);
    await addHeater('window-heater', 'Window heater', 'Living room', 19.8);
    b = await launchBrowser();
  });

  afterAll(async () => {
    await b?.close();
    for (const h of Object.values(heaters)) await h.stop().catch(() => {});
    await t?.close();
  });

  it('shows a tile per device, grouped by room, with presence and readings', async () => {
    const { page } = b;
    await logInBrowser(page, t.baseUrl);
    await waitForText(tile(page, 'living-heater').locator('.reading-value'), '20.4 °C');
    const rooms = await page.locator('.room-name').allTextContents();
    expect(rooms).toEqual(['Bedroom', 'Living room', 'Office']);
    const living = tile(page, 'living-heater');
    expect(await living.locator('.badge').textContent()).toBe('Online');
    await waitForText(living.locator('.presence-line'), /connected · since/);
    await waitForText(living.locator('.last-seen'), /Last seen just now/);
    expect(await living.locator('.last-seen time').getAttribute('title')).toMatch(/\d/);
    expect(await living.getByRole('switch', { name: 'Heater' }).getAttribute('aria-checked')).toBe('false');
    await waitForText(living.locator('.stepper-value'), '21.0 °C');
  });

  it('updates tiles live as readings arrive, without a reload', async () => {
    const { page } = b;
    const marker = await page.evaluate(() => {
      (globalThis as unknown as { marker: number }).marker = 42;
      return 42;
    });
    heaters['living-heater']?.publish(22.7);
    await waitForText(tile(page, 'living-heater').locator('.reading-value'), '22.7 °C');
    heaters['bedroom-heater']?.publish(19.25);
    await waitForText(tile(page, 'bedroom-heater').locator('.reading-value'), '19.3 °C');
    // Same document: nothing reloaded.
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(marker);
  });

  it('toggles a heater: pending until the device confirms, then confirmed, and the heater really switches', async () => {
    const { page } = b;
    const heater = heaters['living-heater'] as TestHeater;
    const living = tile(page, 'living-heater');
    const control = living.locator('[data-control="heater"]');
    const toggle = living.getByRole('switch', { name: 'Heater' });

    const release = heater.hold();
    await toggle.click();
    await waitForAttribute(control, 'data-phase', 'pending');
    expect(await toggle.getAttribute('aria-busy')).toBe('true');
    // Pending shows what was asked, not a switch that pretends it already happened.
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await waitForText(control.locator('.control-status'), 'Pending: switching on…');
    expect(heater.device.reported.heater).toBe(false);

    release();
    await waitForAttribute(control, 'data-phase', 'confirmed');
    await waitForText(control.locator('.control-status'), /Confirmed by the device in [\d.]+ ms/);
    await waitForAttribute(toggle, 'aria-checked', 'true');
    expect(heater.device.reported.heater).toBe(true);
  });

  it('changes the setpoint with confirmation', async () => {
    const { page } = b;
    const living = tile(page, 'living-heater');
    await living.getByRole('button', { name: 'Raise setpoint' }).click();
    await waitForAttribute(living.locator('[data-control="setpoint"]'), 'data-phase', 'confirmed');
    await waitForText(living.locator('.stepper-value'), '21.5 °C');
    expect(heaters['living-heater']?.device.reported.setpoint).toBe(21.5);
  });

  it('reads the temperature now and shows the round trip', async () => {
    const { page } = b;
    const bedroom = tile(page, 'bedroom-heater');
    await bedroom.getByRole('button', { name: 'Read now' }).click();
    await waitForText(bedroom.locator('.read-now-result'), /^19\.3 °C · [\d.]+ ms round trip$/);
  });

  it('takes the README screenshot of the home page', async () => {
    const { page } = b;
    heaters['office-heater']?.publish(21.6);
    await waitForText(tile(page, 'office-heater').locator('.reading-value'), '21.6 °C');
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: 'docs/screenshot.png', fullPage: true });
  });

  it('has no serious or critical accessibility violations on the home page', async () => {
    expect(await seriousA11yViolations(b.page)).toEqual([]);
  });

  it('drops and counts a live message that does not match the contract', async () => {
    const { page } = b;
    const reading = tile(page, 'window-heater').locator('.reading-value');
    const before = (await reading.textContent()) ?? '';
    // NaN travels as JSON null: the browser's schema check refuses it.
    t.hub.app.services.bus.emit('telemetry', {
      deviceId: 'window-heater',
      ts: Date.now(),
      values: { temperature: Number.NaN },
    });
    await waitForText(page.locator('.app-footer'), '1 invalid live message dropped');
    expect(await reading.textContent()).toBe(before);
  });

  it('a command the device rejects fails with the device’s reason and rolls back', async () => {
    const { page } = b;
    heaters['bedroom-heater']?.rejectNextCommand('the window is open');
    const bedroom = tile(page, 'bedroom-heater');
    await bedroom.getByRole('button', { name: 'Raise setpoint' }).click();
    const control = bedroom.locator('[data-control="setpoint"]');
    await waitForAttribute(control, 'data-phase', 'failed');
    await waitForText(
      control.locator('.control-status'),
      'Rejected by the device (rejected): the window is open',
    );
    await waitForText(bedroom.locator('.stepper-value'), '21.0 °C');
  });

  it('a command that gets no answer times out and says so', async () => {
    const { page } = b;
    const release = heaters['bedroom-heater']?.hold();
    try {
      const bedroom = tile(page, 'bedroom-heater');
      const control = bedroom.locator('[data-control="heater"]');
      await bedroom.getByRole('switch', { name: 'Heater' }).click();
      await waitForAttribute(control, 'data-phase', 'pending');
      await waitForAttribute(control, 'data-phase', 'failed', { timeoutMs: 15_000 });
      await waitForText(control.locator('.control-status'), /Timed out: no reply within \d+ ms/);
      expect(await bedroom.getByRole('switch', { name: 'Heater' }).getAttribute('aria-checked')).toBe(
        'false',
      );
    } finally {
      release?.();
    }
  });

  it('a command to a device that stops ends as failed with the reason, and the tile shows it offline', async () => {
    const { page } = b;
    const office = tile(page, 'office-heater');
    const control = office.locator('[data-control="heater"]');
    heaters['office-heater']?.crashOnNextCommand();
    await office.getByRole('switch', { name: 'Heater' }).click();
    await waitForAttribute(control, 'data-phase', 'failed');
    await waitForText(
      control.locator('.control-status'),
      /Device offline: the device went offline \(connection_closed\)/,
    );
    expect(await office.getByRole('switch', { name: 'Heater' }).getAttribute('aria-checked')).toBe('false');

    await waitForText(office.locator('.badge'), 'Offline');
    await waitForText(office.locator('.presence-line'), /connection lost: .*· since just now/);
    // Controls of an offline device say so instead of pretending.
    await waitForText(
      office.locator('[data-control="setpoint"] .control-status'),
      'Unavailable while the device is offline',
    );
    expect(await office.getByRole('button', { name: 'Raise setpoint' }).getAttribute('aria-disabled')).toBe(
      'true',
    );
    await waitForText(office.locator('.read-now-result'), 'Unavailable while the device is offline');
  });

  it('a device that is stopped cleanly shows offline with its reason', async () => {
    const { page } = b;
    await heaters['living-heater']?.stop();
    const living = tile(page, 'living-heater');
    await waitForText(living.locator('.badge'), 'Offline');
    await waitForText(living.locator('.presence-line'), /disconnected cleanly · since/);
    // Clicking a control of an offline device sends nothing.
    const before = (await (await t.api('/api/devices/living-heater/commands')).json()) as unknown[];
    // By keyboard: the control stays focusable (aria-disabled), it just refuses to act.
    await living.getByRole('switch', { name: 'Heater' }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await waitForText(
      living.locator('[data-control="heater"] .control-status'),
      'Unavailable while the device is offline',
    );
    const after = (await (await t.api('/api/devices/living-heater/commands')).json()) as unknown[];
    expect(after.length).toBe(before.length);
    expect(b.errors).toEqual([]);
  });
});
