/**
 * The sample pages in headless Chromium: the chat (two pages talk, HTML shows as text), the
 * websocket graph (points arrive and are drawn; echo answers) and the calculator form (over HTTP
 * and over the WebSocket). Screenshots go to spec/artifacts/. Opt-in: RXPULSAR_BROWSER_SPECS=1
 * (`.ci/run` sets it); otherwise the tests are reported as skipped.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ChildScript } from '../helpers/child';
import { artifact, browserSpecsEnabled, launchChromium } from './chromium';

const d = browserSpecsEnabled ? describe : describe.skip;

d('sample pages in headless Chromium', () => {
  let browser: Browser;
  const servers: ChildScript[] = [];
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  const start = async (name: string, workers: number): Promise<string> => {
    const server = new ChildScript('scripts/sample.js', [name, '--bind', '127.0.0.1:0', '--workers', String(workers), '--concurrency', 'thread']);
    servers.push(server);
    return server.url();
  };

  /** A page in a context of its own (no shared storage), with its script errors recorded. */
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    return page;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await Promise.all(
      servers.map((server) => server.stop()),
    );
  }, 30_000);

  afterEach(() => {
    expect(errors.splice(0)).toEqual([]);
  });

  it('chat: two pages join with different names; a message typed in one appears, as text, in the other', async () => {
    const url = await start('chat', 2);
    const [ada, bob] = [await newPage(), await newPage()];
    for (const page of [ada, bob]) {
      await page.goto(url);
      await page.waitForSelector('#status:text-is("ready")');
    }
    await ada.fill('#name', 'Ada');
    await ada.click('#join button');
    await ada.waitForSelector('#say:not([hidden])');
    await bob.fill('#name', 'Bob <b>the builder</b>');
    await bob.click('#join button');
    await bob.waitForSelector('#say:not([hidden])');
    // Ada hears Bob arrive, his name as typed (text, not markup).
    await ada.locator('#log li.notice', { hasText: 'Bob <b>the builder</b> joined' }).waitFor();

    const text = 'hello <b>Bob</b> & <img src=x onerror="window.pwned=1">';
    await ada.fill('#text', text);
    await ada.press('#text', 'Enter');
    const line = bob.locator('#log li.message').filter({ hasText: 'hello' });
    await line.waitFor();
    expect(await line.locator('.name').textContent()).toBe('Ada');
    expect(await line.locator('.text').textContent()).toBe(text);
    // Escaped: no element came out of the message, no script ran.
    expect(await bob.locator('#log b, #log img').count()).toBe(0);
    // (Expressions are strings: the specs compile without the DOM types.)
    expect(await bob.evaluate('window.pwned')).toBeUndefined();

    await bob.fill('#text', 'hi Ada');
    await bob.press('#text', 'Enter');
    await ada.locator('#log li.message', { hasText: 'hi Ada' }).waitFor();
    await bob.screenshot({ path: artifact('chat.png'), fullPage: true });
  }, 60_000);

  it('websocket graph: the plot receives points and draws them; echo answers', async () => {
    const url = await start('websocket', 1);
    const page = await newPage();
    await page.goto(url);
    await page.waitForSelector('#status:text-is("live")');
    const count = async (): Promise<number> => Number(await page.locator('#count').textContent());
    const counted = (n: number): string => `Number(document.getElementById('count').textContent) >= ${n}`;
    await page.waitForFunction(counted(5), undefined, { timeout: 10_000 });
    const before = await count();
    await page.waitForFunction(counted(before + 3), undefined, { timeout: 10_000 });
    expect(await count()).toBeGreaterThan(before);
    // Something was drawn: the plot's pixels are not all blank.
    const inked = await page.evaluate<number>(`(() => {
      const canvas = document.getElementById('plot');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let k = 3; k < data.length; k += 4) if (data[k] !== 0) n++;
      return n;
    })()`);
    expect(inked).toBeGreaterThan(100);

    await page.fill('#echo-text', 'Hi there! <i>');
    await page.click('#echo button');
    await page.waitForSelector('#echo-reply:text-is("Hi there! <i>")');
    await page.screenshot({ path: artifact('websocket-graph.png'), fullPage: true });
  }, 60_000);

  it('calculator: the form calls the methods over HTTP and over the WebSocket', async () => {
    const url = await start('calculator', 1);
    const page = await newPage();
    await page.goto(url);
    await page.selectOption('#method', 'calc.multiply');
    await page.fill('#a', '6');
    await page.fill('#b', '7');
    await page.click('#go');
    await page.waitForSelector('#result:text-is("42")');
    await page.check('input[name=transport][value=ws]');
    await page.selectOption('#method', 'calc.divide');
    await page.fill('#b', '0');
    await page.click('#go');
    await page.waitForSelector('#result.error:has-text("Invalid params")');
    expect(await page.locator('#result').textContent()).toContain('division by zero');
    await page.screenshot({ path: artifact('calculator.png'), fullPage: true });
  }, 60_000);
});
