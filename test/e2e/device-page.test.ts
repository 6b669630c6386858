/**
 * The device page in a real browser: the history chart (ranges, min/max band
 * when aggregated, as many points as the chart is wide, zoom and pan, the live
 * tail), the command log and the presence timeline.
 */
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
import { startTestHeater, type TestHeater } from '../helpers/test-heater.ts';
import { waitFor } from '../helpers/wait.ts';

const HOUR = 3_600_000;
const STEP = 5 * 60_000;

describe('device page', () => {
  let t: TestHub;
  let b: TestBrowser;
  let heater: TestHeater;
  const historyRequests: URL[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    const { credentials } = await t.addDevice('Study heater', { id: 'study-heater', room: 'Study' });
    heater = await startTestHeater({ url: t.mqttUrl, id: 'study-heater', password: credentials.password });
    // A week of readings every 5 minutes: raw at 1 h, aggregated at 7 d.
    const now = Date.now();
    const week: [number, number][] = [];
    for (let ts = now - 7 * 24 * HOUR; ts < now - 60_000; ts += STEP)
      week.push([ts, 20 + 2 * Math.sin(ts / (6 * HOUR))]);
    await heater.backfill(week);
    b = await launchBrowser();
    b.page.on('request', (r) => {
      if (r.url().includes('/history?')) historyRequests.push(new URL(r.url()));
    });
  });

  afterAll(async () => {
    await b?.close();
    await heater?.stop();
    await t?.close();
  });

  const history = () => b.page.locator('.history');

  async function waitForChart(): Promise<number> {
    await waitForAttribute(history(), 'data-state', 'ready');
    await b.page.locator('.chart-box canvas').first().waitFor();
    return Number(await history().getAttribute('data-points'));
  }

  it('opens from the home tile and renders the history of the default range (24 h)', async () => {
    const { page } = b;
    await logInBrowser(page, t.baseUrl);
    await page.getByRole('link', { name: 'Study heater' }).click();
    await page.waitForURL(/\/devices\/study-heater$/);
    await waitForText(page.locator('h1'), 'Study heater');
    const points = await waitForChart();
    expect(points).toBeGreaterThan(250); // 288 readings in 24 h
    // The client asks for as many points as the chart is wide.
    const box = await page.locator('.chart-box').boundingBox();
    const last = historyRequests.at(-1);
    expect(last?.searchParams.get('metric')).toBe('temperature');
    expect(Number(last?.searchParams.get('points'))).toBe(Math.floor(box?.width ?? 0));
    expect(Number(last?.searchParams.get('to')) - Number(last?.searchParams.get('from'))).toBe(24 * HOUR + 1);
  });

  it('shows raw readings for 1 h and a min/max band for 7 d', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '1 h', exact: true }).click();
    await waitForAttribute(page.getByRole('button', { name: '1 h', exact: true }), 'aria-pressed', 'true');
    await waitFor(async () => Number(await history().getAttribute('data-points')) <= 13 || undefined, {
      what: '1 h of points',
    });
    await waitForAttribute(history(), 'data-state', 'ready');
    await waitForText(
      page.locator('.chart-summary'),
      /^1[12] readings\. New readings appear as they arrive\.$/,
    );

    await page.getByRole('button', { name: '7 d', exact: true }).click();
    await waitForText(
      page.locator('.chart-summary'),
      /points, each the mean of \d+ min; the band shows min to max\./,
    );
    const points = Number(await history().getAttribute('data-points'));
    const requested = Number(await history().getAttribute('data-requested-points'));
    expect(points).toBeGreaterThan(100);
    expect(points).toBeLessThanOrEqual(requested);
  });

  it('appends live readings to the chart as they arrive', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '1 h', exact: true }).click();
    await waitForText(page.locator('.chart-summary'), /readings\./);
    const before = Number(await history().getAttribute('data-points'));
    heater.publish(23.4);
    await waitForAttribute(history(), 'data-points', String(before + 1));
    heater.publish(23.6);
    await waitForAttribute(history(), 'data-points', String(before + 2));
    await waitForText(page.locator('.reading-value[data-metric="temperature"]'), '23.6 °C');
  });

  it('zooms and pans, by button and by dragging, loading the new window', async () => {
    const { page } = b;
    await page.getByRole('button', { name: '24 h', exact: true }).click();
    await waitForChart();
    const count = historyRequests.length;
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await waitFor(() => historyRequests.length > count || undefined, { what: 'a zoomed request' });
    const zoomed = historyRequests.at(-1) as URL;
    const span = Number(zoomed.searchParams.get('to')) - Number(zoomed.searchParams.get('from'));
    expect(span).toBeCloseTo(12 * HOUR, -4);
    expect(await page.getByRole('button', { name: '24 h', exact: true }).getAttribute('aria-pressed')).toBe(
      'false',
    );
    await waitForChart();

    await page.getByRole('button', { name: '← Earlier' }).click();
    await waitFor(
      () => {
        const r = historyRequests.at(-1) as URL;
        return (
          Number(r.searchParams.get('to')) < Number(zoomed.searchParams.get('to')) - 5 * HOUR || undefined
        );
      },
      { what: 'an earlier window' },
    );
    await waitForChart();

    const over = page.locator('.u-over');
    const box = await over.boundingBox();
    if (!box) throw new Error('no plot area');
    const before = historyRequests.length;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await waitFor(() => historyRequests.length > before || undefined, { what: 'a drag-zoom request' });
    const dragged = historyRequests.at(-1) as URL;
    const draggedSpan = Number(dragged.searchParams.get('to')) - Number(dragged.searchParams.get('from'));
    expect(draggedSpan).toBeLessThan(span * 0.3);
    expect(Number(await waitForChart())).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Live' }).click();
    await waitForAttribute(page.getByRole('button', { name: '24 h', exact: true }), 'aria-pressed', 'true');
  });

  it('logs commands with who, when, outcome and round trip, live', async () => {
    const { page } = b;
    await page.getByRole('switch', { name: 'Heater' }).click();
    await waitForAttribute(page.locator('[data-control="heater"]'), 'data-phase', 'confirmed');
    const row = page.locator('table.log tbody tr').first();
    await waitForText(row, /heater\.set \(on=true\)\s*user:owner\s*just now\s*OK\s*[\d.]+ ms/);
    // A command sent by someone else appears too.
    const res = await t.api('/api/devices/study-heater/rpc', {
      method: 'POST',
      body: { method: 'identify' },
    });
    expect(res.status).toBe(200);
    await waitForText(page.locator('table.log tbody tr').first(), /identify\s*user:owner/);
  });

  it('has no serious or critical accessibility violations on the device page', async () => {
    expect(await seriousA11yViolations(b.page)).toEqual([]);
  });

  it('shows the presence timeline, updated when the device goes away', async () => {
    const { page } = b;
    const first = page.locator('.timeline-item').first();
    await waitForText(first, /Online\s*connected/);
    await heater.stop();
    await waitForText(page.locator('.timeline-item').first(), /Offline\s*disconnected cleanly/);
    await waitForText(page.locator('.timeline-item').nth(1), /Online\s*connected.*lasted/);
    await waitForText(
      page.locator('[data-control="heater"] .control-status'),
      'Unavailable while the device is offline',
    );
    expect(b.errors).toEqual([]);
  });
});
