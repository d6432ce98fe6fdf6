import { chromium, type Browser, type Page } from "playwright-core";

/** Sign in through the real login page and wait to land where `next` pointed. */
export async function signIn(page: Page, base: string, creds: { email: string; password: string }, next = "/"): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.locator('[data-testid="login-email"]').fill(creds.email);
  await page.locator('[data-testid="login-password"]').fill(creds.password);
  await page.locator('[data-testid="login-submit"]').click();
  await page.waitForURL((url) => url.pathname + url.search === next, { timeout: 15_000 });
}

/** Debian's Chromium, headless, with the flags this offline machine needs; Playwright gives it a fresh profile. */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
