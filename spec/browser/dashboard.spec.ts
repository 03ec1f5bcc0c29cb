import type { Browser } from 'playwright-core';
import { ChildScript } from '../helpers/child';
import { artifact, browserSpecsEnabled, launchChromium } from './chromium';

/**
 * The showcase in headless Chromium (Debian's `chromium`, driven by playwright-core): the landing
 * page and the dashboard; "add worker" makes a new worker appear within 5 s. Opt-in for
 * developers (RXPULSAR_BROWSER_SPECS=1); `.ci/run` turns it on.
 */
const maybe = browserSpecsEnabled ? describe : describe.skip;

maybe('showcase dashboard in headless Chromium', () => {
  let server: ChildScript;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    server = new ChildScript('samples/showcase/index.ts', ['--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'thread']);
    url = await server.url();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('opens the landing page and the dashboard; "add worker" adds one within 5 s', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    expect(await page.title()).toBe('rxpulsar showcase');
    await page.click('a[href="/dashboard/"]');
    await page.waitForSelector('#status:text("live")', { timeout: 10_000 });
    await page.waitForSelector('tr.worker', { timeout: 10_000 });
    const rows = page.locator('h2.group:has-text("monitor showcase") + table tr.worker');
    await rows.first().waitFor({ timeout: 10_000 });
    const before = await rows.count();
    expect(before).toBe(2);
    await page.click('button[data-action="add"][data-monitor="showcase"]');
    // A third worker row appears, and runs, within 5 s (playwright launches with a fresh profile).
    await rows.nth(2).locator('td.state-running').waitFor({ timeout: 5000 });
    expect(await rows.count()).toBe(3);
    await page.screenshot({ path: artifact('dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
