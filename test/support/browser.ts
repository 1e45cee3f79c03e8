import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, through playwright-core (which cannot download a browser of its
 * own here). The background-networking flags keep it from dialling out of this closed machine.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  // Playwright gives every launch a fresh temporary profile of its own.
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
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
  } catch (e) {
    throw new Error(`Could not start Chromium at ${CHROMIUM} (apt-get install chromium): ${(e as Error).message}`);
  }
  return {
    browser,
    close: () => browser.close(),
  };
}

/** Keeps a screenshot of the page when a UI test fails, under test-results/. */
export async function screenshotOnFailure(page: Page | undefined, name: string): Promise<void> {
  if (!page) return;
  const dir = resolve(__dirname, '../../test-results');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name.replace(/[^\w-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
}

/** Polls `check` until it holds (Chromium here refuses Playwright's string waitForFunction). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the locator's first element contains `expected`; the error says what it showed instead. */
export async function waitForText(locator: Locator, expected: string, timeoutMs?: number): Promise<void> {
  let seen = '';
  await waitUntil(
    `"${expected}"`,
    async () => {
      seen = (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : '(absent)';
      return seen.includes(expected);
    },
    timeoutMs,
  ).catch(() => {
    throw new Error(`expected "${expected}", saw "${seen.trim()}"`);
  });
}

/** The open dialog, once its first field (by test id) has the focus: typing before that loses keys. */
export async function dialogReady(page: Page, firstField: string): Promise<Locator> {
  const dialog = page.locator('mat-dialog-container');
  await dialog.waitFor();
  await waitUntil(`${firstField} to take the focus`, () =>
    page.evaluate(
      (id) =>
        (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') === id,
      firstField,
    ),
  );
  return dialog;
}

/**
 * Opens `path` on the console and signs in on the login page it is sent to, then waits until the
 * console has come back to where it was going (`landing`, by default the path itself).
 */
export async function signIn(page: Page, base: string, email: string, password: string, path = '/inbox', landing?: RegExp): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.waitForURL(/\/login/);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing ?? new RegExp(path.split('?')[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}
