/**
 * Desired vs reported on the heater controls, in a real browser: a value set
 * while the heater is away waits ("will apply when the device is back") and
 * is applied when it returns; one that may not wait fails at once; one whose
 * wait runs out expires. The switch never shows the wished-for value as true.
 */
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

describe('desired state on heater controls', () => {
  let t: TestHub;
  let b: TestBrowser;
  let heater: TestHeater | undefined;
  let password = '';
  const ID = 'porch-heater';

  beforeAll(async () => {
    t = await startTestHub();
    ({
      credentials: { password },
    } = await t.addDevice('Porch heater', { id: ID, room: 'Porch' }));
    heater = await startTestHeater({ url: t.mqttUrl, id: ID, password, temperature: 16 });
    heater.publish(16);
    b = await launchBrowser();
  });

  afterAll(async () => {
    await b?.close();
    await heater?.stop();
    await t?.close();
  });

  const card = () => b.page.locator('section[aria-labelledby="desired-title"]');
  const status = (control: string) => b.page.locator(`[data-control="${control}"] .control-status`);

  it('sets a value while the heater is away: it waits, and says it will apply when the device is back', async () => {
    const { page } = b;
    await logInBrowser(page, t.baseUrl);
    await waitForText(tile(page, ID).locator('.reading-value'), '16.0 °C');
    await heater?.stop();
    heater = undefined;
    await waitForText(tile(page, ID).locator('.badge'), 'Offline');

    await page.getByRole('link', { name: 'Porch heater' }).click();
    await waitForText(page.locator('h1'), 'Porch heater');
    await waitForText(card(), 'Nothing set yet');
    await card().getByLabel('Control').selectOption('heater');
    await card().getByLabel('Value', { exact: true }).selectOption('on');
    await card().getByRole('button', { name: 'Set', exact: true }).click();

    await waitForText(status('heater'), 'Will apply when the device is back: on');
    await waitForAttribute(page.locator('[data-control="heater"]'), 'data-desired', 'pending');
    await waitForText(
      card().locator('tr[data-property="heater"]'),
      /Off\s*on\s*Will apply when the device is back/i,
    );
    // What the heater reports stays on screen: it is still off.
    expect(await page.getByRole('switch', { name: 'Heater' }).getAttribute('aria-checked')).toBe('false');

    // The tile on Home says the same.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await waitForText(
      tile(page, ID).locator('[data-control="heater"] .control-status'),
      /will apply when the device is back: on/i,
    );
  });

  it('a value that may not wait fails at once, and one whose wait runs out expires', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Porch heater' }).click();
    await waitForText(card(), 'Heater');
    await card().getByLabel('Control').selectOption('setpoint');
    await card().getByLabel('Value', { exact: true }).fill('23');
    await card().getByLabel('Only if the device is online now').check();
    await card().getByRole('button', { name: 'Set', exact: true }).click();
    await waitForText(status('setpoint'), /Failed, 23\.0 °C not applied\. .*offline/);

    // Through the API with a one-second wait: the hub's sweep expires it.
    const res = await t.api(`/api/devices/${ID}/desired`, {
      method: 'PUT',
      body: { property: 'setpoint', value: 24, ttl_s: 1 },
    });
    expect(res.status).toBe(200);
    await waitForText(status('setpoint'), 'Will apply when the device is back: 24.0 °C');
    await waitForText(status('setpoint'), 'Expired before the device was back: 24.0 °C was not applied');
    await waitForText(card().locator('tr[data-property="setpoint"]'), /Expired/);
  });

  it('has no serious or critical accessibility violations with the desired state shown', async () => {
    expect(await seriousA11yViolations(b.page)).toEqual([]);
  });

  it('when the heater is back, the waiting value is applied and the switch shows it', async () => {
    const { page } = b;
    heater = await startTestHeater({ url: t.mqttUrl, id: ID, password, temperature: 16 });
    await waitForText(status('heater'), 'Applied: on', { timeoutMs: 15_000 });
    await waitForAttribute(page.getByRole('switch', { name: 'Heater' }), 'aria-checked', 'true');
    await waitForText(card().locator('tr[data-property="heater"]'), /On\s*on\s*Applied/i);
    expect(heater.device.reported.heater).toBe(true);
    // The expired setpoint was never sent; once the heater reported, the control shows just what it reports.
    expect(heater.device.reported.setpoint).toBe(21);
    await waitForAttribute(status('setpoint'), 'data-phase', 'idle');
    expect(b.errors).toEqual([]);
  });
});
