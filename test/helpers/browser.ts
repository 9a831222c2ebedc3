import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { recordResponse } from './leak-check';

/**
 * Debian's Chromium (`/usr/bin/chromium`, or CHROMIUM_PATH) driven by playwright-core, headless,
 * each context with a fresh user-data-dir. The flags keep Chromium off the network it would
 * otherwise call at start (updates, sync, Google lookups). Every answer of `origin` the page
 * receives is recorded for the leak check.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

const opened: { context: BrowserContext; dir: string }[] = [];
afterAll(async () => {
  for (const { context, dir } of opened.splice(0)) {
    await context.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A new browser (its own profile, so its own cookies) and its first page. */
export async function openBrowser(
  origin: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wecom-gate-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1180, height: 760 },
    locale: 'zh-CN',
    acceptDownloads: true,
  });
  opened.push({ context, dir });
  context.on('response', async (response) => {
    if (!response.url().startsWith(origin)) return;
    const type = response.headers()['content-type'] ?? '';
    if (!/json|html|text\/plain/.test(type) || response.status() === 204) return;
    const text = await response.text().catch(() => undefined);
    if (text === undefined) return;
    recordResponse(
      `${response.request().method()} ${response.url()} → ${response.status()}`,
      new Headers(response.headers()),
      text,
    );
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Where screenshots go: `SCREENSHOT_DIR` (e.g. docs/ for the README), else a temporary folder. */
export const SCREENSHOT_DIR =
  process.env.SCREENSHOT_DIR ?? mkdtempSync(path.join(tmpdir(), 'wecom-gate-screens-'));

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
