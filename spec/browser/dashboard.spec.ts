import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ChildScript, ROOT } from '../helpers/child';

/**
 * The showcase in headless Chromium (Debian's `chromium`, driven by playwright-core): the landing
 * page and the dashboard; "add worker" makes a new worker appear within 5 s. Opt-in for
 * developers (RXPULSAR_BROWSER_SPECS=1); `.ci/run` turns it on.
 */
const enabled = process.env.RXPULSAR_BROWSER_SPECS === '1';
const maybe = enabled ? describe : describe.skip;

maybe('showcase dashboard in headless Chromium', () => {
  let server: ChildScript;
  let url: string;
  let browser: Browser;
  const artifacts = join(ROOT, 'spec', 'artifacts');

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = new ChildScript('samples/showcase/index.ts', ['--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'thread']);
    url = await server.url();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
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
    await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
