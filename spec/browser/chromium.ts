/**
 * Headless Chromium for the browser specs: Debian's `/usr/bin/chromium` driven by playwright-core
 * (no browser download; the machine has no internet). Opt-in for developers with
 * `RXPULSAR_BROWSER_SPECS=1`; `.ci/run` sets it.
 *
 * ```ts
 * const d = browserSpecsEnabled ? describe : describe.skip;
 * d('my page', () => {
 *   let browser: Browser;
 *   beforeAll(async () => { browser = await launchChromium(); });
 *   afterAll(() => browser?.close());
 * });
 * ```
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../helpers/child';

/** True when the browser specs should run. */
export const browserSpecsEnabled = process.env.RXPULSAR_BROWSER_SPECS === '1';

/** The browser binary. @default process.env.CHROMIUM ?? '/usr/bin/chromium' */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags: headless without GPU or sandbox (containers), and nothing that reaches the network on
 * its own (no QUIC, background networking, component updates, sync).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where specs save screenshots (gitignored). */
export const ARTIFACTS = join(ROOT, 'spec', 'artifacts');

/**
 * Launches Chromium. `chromium.launch` gives every launch a fresh user-data-dir of its own
 * (a temporary `playwright_chromiumdev_profile-*` directory, removed by `browser.close()`):
 * no profile, cache or cookie is shared between runs.
 * @param timeout Ms to wait for the browser to start. @default 30000
 */
export async function launchChromium(timeout = 30_000): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], timeout });
}

/** The path of a screenshot named `name` under {@link ARTIFACTS}. */
export function artifact(name: string): string {
  return join(ARTIFACTS, name);
}
