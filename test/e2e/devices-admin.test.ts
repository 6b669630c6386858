/**
 * The devices admin page in a real browser: add (credentials shown once, with
 * a command line that works), rename, assign a room, remove with confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDto } from '../../shared/api.ts';
import {
  launchBrowser,
  seriousA11yViolations,
  type TestBrowser,
  tile,
  waitForLive,
  waitForText,
} from '../helpers/browser.ts';
import { startTestHub, TEST_OWNER_PASSWORD, type TestHub } from '../helpers/hub.ts';
import { startTestHeater, type TestHeater } from '../helpers/test-heater.ts';
import { waitFor } from '../helpers/wait.ts';

describe('devices admin', () => {
  let t: TestHub;
  /** The session the browser got at setup, for the API calls of the test itself. */
  let cookie = '';
  const api = (path: string) => t.api(path, { headers: { cookie } });
  let b: TestBrowser;
  let heater: TestHeater | undefined;

  beforeAll(async () => {
    // No owner yet: the first visit sets the password.
    t = await startTestHub({ overrides: { ownerPassword: undefined } });
    b = await launchBrowser();
  });

  afterAll(async () => {
    await b?.close();
    await heater?.stop();
    await t?.close();
  });

  const row = (id: string) => b.page.locator(`li.admin-row[data-device-id="${id}"]`);

  it('asks for the owner password on first start', async () => {
    const { page } = b;
    await page.goto(t.baseUrl);
    await waitForText(page.locator('h1'), 'Welcome to Hearth');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel('Owner password').fill(TEST_OWNER_PASSWORD);
    await page.getByLabel('Repeat it').fill('something else');
    await page.getByRole('button', { name: 'Set password' }).click();
    await waitForText(page.getByRole('alert'), 'The two passwords differ.');
    await page.getByLabel('Repeat it').fill(TEST_OWNER_PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await waitForLive(page);
    const session = (await b.context.cookies()).find((c) => c.name === 'hearth_session');
    expect(session?.httpOnly).toBe(true);
    cookie = `hearth_session=${session?.value}`;
  });

  it('starts empty, and "Add device" leads to the form', async () => {
    const { page } = b;
    await waitForText(page.locator('main'), 'No devices yet.');
    await page.getByRole('link', { name: 'Add device' }).click();
    await page.waitForURL(/\/devices\?add=1$/);
    const name = page.getByLabel('Name');
    await waitFor(() => name.evaluate((el) => el === el.ownerDocument.activeElement) || undefined, {
      what: 'the name field focused',
    });
  });

  it('adds a device and shows its credentials once, with a device command line that works', async () => {
    const { page } = b;
    await page.getByLabel('Name').fill('Kitchen heater');
    await page.getByLabel('Room (optional)').fill('Kitchen');
    await page.getByLabel('Device id (optional)').fill('kitchen-heater');
    await page.getByRole('button', { name: 'Add device' }).click();

    await waitForText(page.locator('#credentials-title'), 'Credentials for Kitchen heater');
    const password = (await page.locator('[data-secret="password"]').textContent()) ?? '';
    expect(password.length).toBeGreaterThan(10);
    const command = (await page.locator('.command-line').textContent()) ?? '';
    expect(command).toBe(
      `npm run device -- heater --url ${t.mqttUrl} --id kitchen-heater --password ${password.includes("'") ? `'${password}'` : password}`,
    );
    await waitForText(row('kitchen-heater'), /Kitchen heater.*Kitchen.*Unknown/);

    // The credentials really work: a device started with them shows up online.
    heater = await startTestHeater({ url: t.mqttUrl, id: 'kitchen-heater', password });
    await waitForText(row('kitchen-heater').locator('.badge'), 'Online');
  });

  it('has no serious or critical accessibility violations on the admin page (with credentials shown)', async () => {
    expect(await seriousA11yViolations(b.page)).toEqual([]);
  });

  it('never shows the password again', async () => {
    const { page } = b;
    const password = (await page.locator('[data-secret="password"]').textContent()) ?? '';
    await page.getByRole('button', { name: 'Done' }).click();
    await waitForText(page.locator('main'), 'Add a device');
    expect(await page.locator('main').textContent()).not.toContain(password);
    await page.reload();
    await waitForLive(page);
    await waitForText(row('kitchen-heater'), 'Kitchen heater');
    expect(await page.content()).not.toContain(password);
  });

  it('refuses a duplicate id with the hub’s reason', async () => {
    const { page } = b;
    await page.getByLabel('Name').fill('Another');
    await page.getByLabel('Device id (optional)').fill('kitchen-heater');
    await page.getByRole('button', { name: 'Add device' }).click();
    await waitForText(page.getByRole('alert'), 'a device with id "kitchen-heater" already exists');
  });

  it('renames a device and assigns it a room', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Edit Kitchen heater' }).click();
    const form = page.getByRole('form', { name: 'Edit Kitchen heater' });
    await form.getByLabel('Name').fill('Kitchen radiator');
    await form.getByLabel('Room').fill('Scullery');
    await form.getByRole('button', { name: 'Save' }).click();
    await waitForText(row('kitchen-heater'), /Kitchen radiator.*Scullery/);
    const dev = (await (await api('/api/devices/kitchen-heater')).json()) as DeviceDto;
    expect(dev.name).toBe('Kitchen radiator');
    expect(dev.room).toBe('Scullery');
    // The home page follows.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await waitForText(page.locator('.room-name'), 'Scullery');
    await waitForText(tile(page, 'kitchen-heater').locator('.tile-name'), 'Kitchen radiator');
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await waitForText(row('kitchen-heater'), 'Kitchen radiator');
  });

  it('removes a device only after confirmation', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Remove Kitchen radiator' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Kitchen radiator?' });
    await dialog.waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api('/api/devices/kitchen-heater')).status).toBe(200);

    await page.getByRole('button', { name: 'Remove Kitchen radiator' }).click();
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await row('kitchen-heater').waitFor({ state: 'detached' });
    expect((await api('/api/devices/kitchen-heater')).status).toBe(404);
    await waitFor(() => heater?.device.connected === false, { what: 'the removed device disconnected' });
    await waitForText(page.locator('main'), 'No devices yet: add one above.');
    expect(b.errors).toEqual([]);
  });

  it('logs out, and back in', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForText(page.locator('h1'), 'Log in to Hearth');
    expect((await api('/api/devices')).status).toBe(401);
    await page.getByLabel('Owner password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page.getByRole('alert'), 'wrong name or password');
    await page.getByLabel('Owner password').fill(TEST_OWNER_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForLive(page);
    await waitForText(page.locator('main h1'), 'Devices');
  });
});
