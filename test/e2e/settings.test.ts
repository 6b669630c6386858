/**
 * The settings page in a real browser: API tokens (shown once, used, revoked),
 * MQTT integration accounts (password shown once with connection details that
 * work, edit, new password), the TLS card, and a password change that the
 * next login needs.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  logInBrowser,
  seriousA11yViolations,
  type TestBrowser,
  waitForLive,
  waitForText,
} from '../helpers/browser.ts';
import { startTestHub, TEST_OWNER_PASSWORD, type TestHub } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

const NEW_PASSWORD = 'a brand new owner password';

describe('settings', () => {
  let t: TestHub;
  let b: TestBrowser;

  beforeAll(async () => {
    t = await startTestHub();
    b = await launchBrowser();
  });

  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const nav = (name: string) => b.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const tokens = () => b.page.locator('section[aria-labelledby="tokens-title"]');
  const integrations = () => b.page.locator('section[aria-labelledby="integrations-title"]');
  const bearer = (secret: string) =>
    fetch(`${t.baseUrl}/api/devices`, { headers: { authorization: `Bearer ${secret}` } });

  it('creates an API token, shows it once with a copy button, lists when it was used, and revokes it', async () => {
    const { page } = b;
    await logInBrowser(page, t.baseUrl);
    await nav('Settings').click();
    await waitForText(page.locator('h1'), 'Settings');
    await waitForText(tokens(), 'No tokens yet.');

    await tokens().getByLabel('Token name').fill('backup script');
    await tokens().getByRole('button', { name: 'Create token' }).click();
    const secret = (await tokens().locator('[data-secret="block"]').textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThan(20);
    await tokens().getByRole('button', { name: 'Copy token' }).click();
    // Headless chromium may refuse the clipboard: then the token is selected for Ctrl+C.
    await waitForText(tokens().locator('.copy-result'), /Copied\.|Selected: press Ctrl\+C/);
    expect((await bearer(secret)).status).toBe(200);

    await tokens().getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('[data-secret]').count()).toBe(0);
    // Back on the page later, the list says when the token was last used.
    await nav('Home').click();
    await nav('Settings').click();
    await waitForText(
      tokens().locator('li[data-token-id]'),
      /backup script\s*created just now · last used just now/,
    );

    await tokens().getByRole('button', { name: 'Revoke backup script' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the token "backup script"?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await waitForText(tokens(), 'No tokens yet.');
    expect((await bearer(secret)).status).toBe(401);
  });

  it('creates an integration account: its password is shown once, with connection details that work', async () => {
    const { page } = b;
    await integrations().getByLabel('Username').fill('node-red');
    await integrations().getByLabel('Topic patterns').fill('hearth/+/telemetry\nhearth/+/state');
    await integrations().getByLabel('Access').selectOption('read');
    await integrations().getByRole('button', { name: 'Create account' }).click();

    const block = integrations().locator('[data-secret="block"]');
    await waitForText(block, 'Username: node-red');
    const password = (await integrations().locator('code[data-secret="password"]').textContent()) ?? '';
    expect(password.length).toBeGreaterThan(10);
    const details = (await block.textContent()) ?? '';
    expect(details).toContain(`Password: ${password}`);
    expect(details).toMatch(new RegExp(`URL: +mqtts?://\\S+:${t.hub.mqttPort}`));
    expect(details).toMatch(
      new RegExp(`mosquitto_sub -h \\S+ -p ${t.hub.mqttPort} -u node-red -P \\S+ -t hearth/\\+/telemetry`),
    );
    await expect(
      integrations().getByRole('button', { name: 'Copy connection details' }).isVisible(),
    ).resolves.toBe(true);

    // The details work: the account connects and may subscribe to its patterns only.
    const client = await mqtt.connectAsync(t.mqttUrl, {
      username: 'node-red',
      password,
      clientId: 'node-red-test',
      reconnectPeriod: 0,
    });
    const granted = await client.subscribeAsync('hearth/+/telemetry', { qos: 0 });
    expect(granted[0]?.qos).toBe(0);
    await client.endAsync();

    await integrations().getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('[data-secret]').count()).toBe(0);
    const row = integrations().locator('li[data-integration="node-red"]');
    await waitForText(row, /node-red\s*read · created just now\s*hearth\/\+\/telemetry\s*hearth\/\+\/state/);
  });

  it('edits an integration account and gives it a new password', async () => {
    const { page } = b;
    const row = integrations().locator('li[data-integration="node-red"]');
    await row.getByRole('button', { name: 'Edit node-red' }).click();
    await row.getByLabel('Topic patterns').fill('hearth/#');
    await row.getByLabel('Access').selectOption('readwrite');
    await row.getByRole('button', { name: 'Save' }).click();
    await waitForText(row, /read and write · created .*hearth\/#/);

    await row.getByRole('button', { name: 'New password for node-red' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Make a new password' }).click();
    await waitForText(integrations().locator('h3'), 'New password for node-red');
    const password = (await integrations().locator('code[data-secret="password"]').textContent()) ?? '';
    const client = await mqtt.connectAsync(t.mqttUrl, {
      username: 'node-red',
      password,
      clientId: 'node-red-test-2',
      reconnectPeriod: 0,
    });
    await client.endAsync();
  });

  it('shows where devices connect and whether TLS is on', async () => {
    const card = b.page.locator('section[aria-labelledby="hub-connection-title"]');
    await waitForText(card.locator('[data-field="mqtt-url"]'), /^mqtts?:\/\/.+:\d+$/);
    // Test hubs run without TLS: the card says so instead of showing a fingerprint.
    await waitForText(card.locator('[data-field="tls"]'), /^(Off|On):/);
  });

  it('has no serious or critical accessibility violations on the settings page', async () => {
    expect(await seriousA11yViolations(b.page)).toEqual([]);
  });

  it('changes the password; the next login needs the new one', async () => {
    const { page } = b;
    await page.getByLabel('Current password').fill('not the password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitForText(page.getByRole('alert'), /Could not change the password: .*current password is wrong/);

    await page.getByLabel('Current password').fill(TEST_OWNER_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitForText(
      page.locator('form[aria-labelledby="password-title"] [role="status"]'),
      'Password changed.',
    );

    await page.getByRole('button', { name: 'Log out' }).click();
    await waitForText(page.locator('h1'), 'Log in to Hearth');
    await page.getByLabel('Owner password').fill(TEST_OWNER_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page.getByRole('alert'), /./);
    await page.getByLabel('Owner password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForLive(page);
    await waitFor(async () => (await page.locator('h1').textContent()) !== 'Log in to Hearth' || undefined, {
      what: 'the dashboard after logging in',
    });
    expect(b.errors).toEqual([]);
  });
});
