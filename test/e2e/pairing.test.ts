/**
 * Pairing in a real browser with a real simulated device: the dashboard opens
 * the window, `npm run device -- heater --pair` says hello and prints its
 * code, the same code shows in the dashboard, a wrong code is refused, the
 * right one approves, and the heater comes online with its new credentials.
 * A rejected device is shown as such, and told so.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  logInBrowser,
  seriousA11yViolations,
  type TestBrowser,
  waitForAttribute,
  waitForText,
} from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface SimulatedDevice {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run device -- heater --pair --url <hub>`, as a person would run it. */
function pairHeater(url: string): SimulatedDevice {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_')));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'devices/cli.ts', 'heater', '--pair', '--url', url, '--interval', '1000'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  // Bounded: a hung child must not hang the suite.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(guard));
  return { child, output: () => out, exited };
}

describe('pairing in the dashboard', () => {
  let t: TestHub;
  let b: TestBrowser;
  const devices: SimulatedDevice[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    b = await launchBrowser();
    await logInBrowser(b.page, t.baseUrl);
  });

  afterAll(async () => {
    for (const d of devices) if (d.child.exitCode === null) d.child.kill('SIGTERM');
    await Promise.all(devices.map((d) => d.exited));
    await b?.close();
    await t?.close();
  });

  const panel = () => b.page.getByRole('region', { name: 'Pair a device on the LAN' });
  const waitingSession = () => b.page.locator('li.pairing-session[data-state="waiting"]');

  it('opens the pairing window from the devices page, with a countdown', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.waitForURL(/\/devices$/);
    await panel().getByRole('button', { name: 'Open pairing window' }).click();
    await waitForText(panel(), /Pairing window open · closes in [23]:\d\d/);
    await waitForAttribute(panel().locator('.pairing-window'), 'data-open', 'true');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('shows the code the device shows, refuses a wrong one, and approves with the right one', async () => {
    const { page } = b;
    const device = pairHeater(t.mqttUrl);
    devices.push(device);
    const code = await waitFor(() => /pairing code: (\d{6})/.exec(device.output())?.[1], {
      what: 'the code printed by the device',
      timeoutMs: 20_000,
    });
    const session = waitingSession();
    await waitForAttribute(session.locator('[data-code]'), 'data-code', code);
    await waitForText(session, `${code.slice(0, 3)} ${code.slice(3)}`);
    await waitForText(session, 'hearth-sim-heater');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const form = page.getByRole('form', { name: 'Approve hearth-sim-heater' });
    await form.getByLabel('Code on the device').fill(code === '000000' ? '111111' : '000000');
    await form.getByLabel('Name').fill('Porch heater');
    await form.getByLabel('Room (optional)').fill('Porch');
    await form.getByRole('button', { name: 'Approve' }).click();
    await waitForText(form.getByRole('alert'), /Wrong code: .*2 left/);
    await waitForText(session.locator('.pairing-steps'), 'wrong code (2 tries left)');

    await form.getByLabel('Code on the device').fill(code);
    await form.getByRole('button', { name: 'Approve' }).click();
    const paired = page.locator('li.pairing-session[data-state="paired"]');
    await waitForText(paired.locator('.badge'), 'Paired', { timeoutMs: 20_000 });
    await waitForText(
      paired.locator('.pairing-steps'),
      /approved as "Porch heater".*credentials delivered.*connected/,
    );

    // The device, with its new credentials, is live in the list.
    const deviceId = await waitFor(
      () => /received credentials for device "([^"]+)"/.exec(device.output())?.[1],
      {
        what: 'the device id printed by the device',
      },
    );
    const row = page.locator(`li.admin-row[data-device-id="${deviceId}"]`);
    await waitForText(row, /Porch heater.*Porch/);
    await waitForText(row.locator('.badge'), 'Online');
    expect(device.output()).toMatch(/connected; telemetry every/);
    expect(b.errors).toEqual([]);
  });

  it('shows a rejection as it happens, and the device is told why', async () => {
    const { page } = b;
    const device = pairHeater(t.mqttUrl);
    devices.push(device);
    const session = waitingSession();
    await session.waitFor();
    await page
      .getByRole('form', { name: 'Approve hearth-sim-heater' })
      .getByRole('button', { name: 'Reject' })
      .click();
    const rejected = page.locator('li.pairing-session[data-state="rejected"]');
    await waitForText(rejected.locator('.pairing-failure'), 'Rejected: rejected in the dashboard');
    expect(await device.exited).toBe(1);
    expect(device.output()).toMatch(/pairing failed \(rejected\)/);
  });

  it('closes the window early', async () => {
    await panel().getByRole('button', { name: 'Close window' }).click();
    await waitForAttribute(panel().locator('.pairing-window'), 'data-open', 'false');
    await panel().getByRole('button', { name: 'Open pairing window' }).waitFor();
    expect(b.errors).toEqual([]);
  });
});
