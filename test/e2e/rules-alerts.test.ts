/**
 * Rules and alerts in a real browser: a range alert made in the form (its
 * problems shown under their fields), a heater driven out of range, the alert
 * live on Home with the nav badge, acknowledged; a thermostat made in the
 * form whose run log says why the heater turned on; the automation JSON
 * editor's live validation; enable/disable and delete with confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDto } from '../../shared/alerts.ts';
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
import { waitFor } from '../helpers/wait.ts';

describe('rules and alerts', () => {
  let t: TestHub;
  let b: TestBrowser;
  let heater: TestHeater;
  const ID = 'cellar-heater';

  beforeAll(async () => {
    t = await startTestHub();
    const { credentials } = await t.addDevice('Cellar heater', { id: ID, room: 'Cellar' });
    heater = await startTestHeater({
      url: t.mqttUrl,
      id: ID,
      password: credentials.password,
      temperature: 20,
    });
    heater.publish(20);
    b = await launchBrowser();
    // A step that cannot happen fails with its locator, not with a bare test timeout.
    b.page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await b?.close();
    await heater?.stop();
    await t?.close();
  });

  const nav = (name: string) => b.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const runLog = () => b.page.locator('section[aria-labelledby="runs-title"]');

  async function newRule(kind: RegExp): Promise<void> {
    const { page } = b;
    await nav('Rules').click();
    await waitForText(page.locator('h1'), 'Rules');
    await page.getByRole('link', { name: 'New rule' }).click();
    await waitForText(page.locator('h1'), 'New rule');
    await page.getByRole('button', { name: kind }).click();
  }

  it('creates a range alert in the form; problems show under their fields first', async () => {
    const { page } = b;
    await logInBrowser(page, t.baseUrl);
    await nav('Rules').click();
    await waitForText(page.locator('main'), 'No rules yet.');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await newRule(/^Range alert/);
    await waitForText(page.locator('h1'), 'New range alert');
    // The chooser is gone: the keyboard is on the name, the next thing to type.
    expect(await page.evaluate('document.activeElement?.dataset.path')).toBe('/name');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await waitForText(page.getByRole('alert'), 'Not saved: 1 problem to fix (marked above).');
    await waitForText(page.locator('[data-problem-for="/name"]'), 'must not be blank');
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Once a save was tried, problems follow the typing: a name, then the missing limits.
    await page.getByLabel('Name').fill('Cellar too warm');
    await waitForText(page.locator('[data-problem-for="/min"]'), 'give min, max or both');
    expect(await page.locator('[data-problem-for="/name"]').count()).toBe(0);
    expect(await page.getByLabel('Device').inputValue()).toBe(ID);
    expect(await page.getByLabel('Metric').inputValue()).toBe('temperature');
    await page.getByLabel('Highest allowed').fill('25');
    await waitFor(async () => (await page.locator('.field-error').count()) === 0 || undefined, {
      what: 'no problems left',
    });
    await page.getByLabel('Severity').selectOption('critical');
    await page.getByRole('button', { name: 'Create rule' }).click();

    await waitForText(page.locator('h1'), 'Cellar too warm');
    await page.waitForURL(/\/rules\/[a-z0-9]+$/);
    await waitForText(page.locator('.rule-head'), 'Alert when Cellar heater temperature is above 25');
    await waitForText(runLog(), 'It has not run yet.');
  });

  it('raises the alert live on Home when the heater leaves the range, with a badge in the nav; acknowledging it', async () => {
    const { page } = b;
    await nav('Home').click();
    await waitForText(tile(page, ID).locator('.reading-value'), '20.0 °C');
    expect(await page.locator('.alert-item').count()).toBe(0);

    heater.publish(27.5);
    const item = page.locator('.alert-item').first();
    await waitForText(item, /Critical.*27\.5.*Cellar heater · since just now/);
    expect(await item.getAttribute('data-severity')).toBe('critical');
    await waitForText(page.locator('.alerts-title'), 'Active alerts (1)');
    await waitForText(nav('Home').locator('.nav-badge'), '1');
    expect(await nav('Home').textContent()).toContain('1 active alert');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await waitForText(item, /acknowledged by owner just now/);
    await waitForAttribute(item, 'data-acknowledged', 'true');
    expect(await nav('Home').locator('.nav-badge').count()).toBe(0);
    // Acknowledged, not cleared: it stays active until the reading is back in range.
    const active = (await (await t.api('/api/alerts?status=active')).json()) as AlertDto[];
    expect(active).toHaveLength(1);
    expect(active[0]?.acknowledged_by).toBe('owner');

    heater.publish(21);
    await waitFor(async () => (await page.locator('.alert-item').count()) === 0 || undefined, {
      what: 'the alert to clear',
      timeoutMs: 10_000,
    });
  });

  it("shows the range alert's run log", async () => {
    const { page } = b;
    await nav('Rules').click();
    await page.getByRole('link', { name: 'Cellar too warm', exact: true }).click();
    await waitForText(runLog().locator('.run').first(), /clear_alert/);
    await waitForText(runLog(), /raise_alert/);
  });

  it('creates a thermostat in the form; its run log says why the heater turned on', async () => {
    const { page } = b;
    await newRule(/^Thermostat/);
    await waitForText(page.locator('h1'), 'New thermostat');
    await page.getByLabel('Name').fill('Cellar warmth');
    await page.getByLabel('Room (optional)').fill('Cellar');
    expect(await page.getByLabel('Heater', { exact: true }).inputValue()).toBe(ID);
    expect(await page.getByLabel('Temperature from').inputValue()).toBe('');
    const first = page.locator('.schedule-row[data-index="0"]');
    await first.getByLabel('From').fill('00:00');
    await first.getByLabel('Target °C').fill('22');
    await page.getByRole('button', { name: 'Remove the 22:00 entry' }).click();
    expect(await page.locator('.schedule-row').count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create rule' }).click();
    await waitForText(page.locator('h1'), 'Cellar warmth');
    await waitForText(page.locator('.rule-head'), /Cellar heater in Cellar: 00:00 → 22 °C/);

    heater.publish(18);
    const run = runLog().locator('.run').first();
    await waitForText(run, /heater on/i, { timeoutMs: 15_000 });
    await waitForText(run, /set_desired\s*cellar-heater heater = true/);
    await waitFor(() => heater.device.reported.heater === true || undefined, { what: 'the heater on' });
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('disables and re-enables a rule from the list', async () => {
    const { page } = b;
    await nav('Rules').click();
    const toggle = page.getByRole('switch', { name: 'Cellar warmth enabled' });
    await waitForAttribute(toggle, 'aria-checked', 'true');
    await toggle.click();
    await waitForAttribute(toggle, 'aria-checked', 'false');
    const rules = (await (await t.api('/api/rules')).json()) as { name: string; enabled: boolean }[];
    expect(rules.find((r) => r.name === 'Cellar warmth')?.enabled).toBe(false);
    await toggle.click();
    await waitForAttribute(toggle, 'aria-checked', 'true');
    await waitForText(page.locator('li[data-kind="thermostat"]'), /Last run: just now/);
  });

  it('checks an automation as JSON while it is typed, naming the exact field', async () => {
    const { page } = b;
    await newRule(/^Automation/);
    await page.getByLabel('Name').fill('Cellar hot webhook');
    const editor = page.getByLabel('Trigger, conditions and actions (JSON)');
    await editor.fill('{ "trigger": { "type": "threshold", "device_id": "cellar-heater" ');
    await waitForText(page.locator('.json-status'), /Not valid JSON/);
    await editor.fill(
      JSON.stringify({
        trigger: { type: 'threshold', device_id: ID, metric: 'temperature', op: 'above' },
        actions: [{ type: 'raise_alert', severity: 'loud', message: 'hot' }],
      }),
    );
    await waitForText(page.locator('.json-status'), /2 problems/);
    await waitForText(page.locator('.json-status li[data-path="/trigger/value"]'), 'is required');
    await waitForText(page.locator('.json-status li[data-path="/actions/0/severity"]'), /must be/);
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    await editor.fill(
      JSON.stringify({
        trigger: {
          type: 'threshold',
          device_id: 'no-such-device',
          metric: 'temperature',
          op: 'above',
          value: 30,
        },
        actions: [{ type: 'raise_alert', message: 'hot' }],
      }),
    );
    await waitForText(page.locator('.json-status'), 'unknown device: no-such-device');
    await editor.fill(
      JSON.stringify({
        trigger: { type: 'threshold', device_id: ID, metric: 'temperature', op: 'above', value: 30 },
        actions: [{ type: 'raise_alert', message: '{device} is at {value} °C' }],
        clear_actions: [{ type: 'clear_alert' }],
      }),
    );
    await waitForText(page.locator('.json-status'), 'Valid.');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create rule' }).click();
    await waitForText(page.locator('h1'), 'Cellar hot webhook');
    await waitForText(page.locator('.rule-head'), 'When Cellar heater temperature goes above 30: 1 action');
  });

  it('deletes a rule after asking', async () => {
    const { page } = b;
    await nav('Rules').click();
    await page.getByRole('button', { name: 'Delete Cellar too warm' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the rule "Cellar too warm"?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('li.rule-row').count()).toBe(3);
    await page.getByRole('button', { name: 'Delete Cellar too warm' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await waitFor(async () => (await page.locator('li.rule-row').count()) === 2 || undefined, {
      what: 'the rule gone from the list',
    });
    const rules = (await (await t.api('/api/rules')).json()) as { name: string }[];
    expect(rules.map((r) => r.name).sort()).toEqual(['Cellar hot webhook', 'Cellar warmth']);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
