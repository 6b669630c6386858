/**
 * A real browser for the dashboard tests: Debian's chromium driven by
 * playwright-core (`npx playwright install` cannot work on these machines).
 * One browser per test file; close it in afterAll.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { TEST_OWNER_PASSWORD } from './hub.ts';

const require = createRequire(import.meta.url);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far (a healthy dashboard has none). */
  errors: string[];
  close(): Promise<void>;
}

/** Launches chromium headless with a fresh profile (Playwright refuses --user-data-dir in args). */
export async function launchBrowser(
  viewport: { width: number; height: number } = { width: 1280, height: 860 },
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'hearth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A hub that goes away makes the browser log failed requests; those are expected in restart tests.
    if (msg.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(msg.text())) {
      errors.push(`console: ${msg.text()}`);
    }
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

let axeScript: string | null = null;
const axeSource = (): string => {
  axeScript ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeScript;
};

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

interface AxeResult {
  violations: {
    id: string;
    impact?: string | null;
    help: string;
    nodes: { target: unknown[]; failureSummary?: string }[];
  }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  // Not addScriptTag: the hub's Content-Security-Policy (script-src 'self') refuses inline
  // scripts, rightly; an evaluation through the DevTools protocol is not subject to it.
  if (!loaded) await page.evaluate(axeSource());
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe;
    return JSON.stringify(await axe.run());
  });
  const { violations } = JSON.parse(result) as AxeResult;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`),
    }));
}

/** Waits until the locator's text matches (polling, bounded); returns the text. */
export async function waitForText(
  locator: Locator,
  expected: string | RegExp,
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const text = await locator
      .textContent({ timeout: Math.max(100, deadline - Date.now()) })
      .catch(() => null);
    if (text !== null) last = text.replace(/\s+/g, ' ').trim();
    if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for text ${String(expected)}; last: "${last}"`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the locator's attribute has the value. */
export async function waitForAttribute(
  locator: Locator,
  name: string,
  expected: string | RegExp,
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  for (;;) {
    last = await locator
      .getAttribute(name, { timeout: Math.max(1, deadline - Date.now()) })
      .catch(() => null);
    if (last !== null && (typeof expected === 'string' ? last === expected : expected.test(last)))
      return last;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for [${name}] = ${String(expected)}; last: ${String(last)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The tile of a device on the home page. */
export const tile = (page: Page, deviceId: string): Locator =>
  page.locator(`article[data-device-id="${deviceId}"]`);

/** Waits until the page's live connection is up. */
export async function waitForLive(page: Page, timeoutMs = 10_000): Promise<void> {
  await waitForAttribute(page.locator('.banner-region'), 'data-live', 'connected', { timeoutMs });
}

/** Opens the dashboard and logs in through its login page (test hubs have an owner password). */
export async function logInBrowser(
  page: Page,
  baseUrl: string,
  password = TEST_OWNER_PASSWORD,
): Promise<void> {
  await page.goto(baseUrl);
  await waitForText(page.locator('h1'), 'Log in to Hearth');
  await page.getByLabel('Owner password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await waitForLive(page);
}
