import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { ADMIN, ARTIFACTS, startStack } from "../support/stack.ts";

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let adminCtx: BrowserContext;
let admin: Page;
let base: string;
const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

beforeAll(async () => {
  stack = await startStack({ intervalSeconds: 5 });
  base = stack.apis[0]!;
  browser = await launchBrowser();
  adminCtx = await browser.browser.newContext({ viewport: { width: 1366, height: 768 } });
  admin = await adminCtx.newPage();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[AUTH] signing in through the real login page", () => {
  it("[AUTH][GUARD]: a deep link while signed out goes to the login page and back after signing in", async () => {
    await admin.goto(`${base}/targets/alpha?range=24h`);
    await admin.waitForURL(/\/login\?next=/);
    expect(new URL(admin.url()).searchParams.get("next")).toBe("/targets/alpha?range=24h");
    await tid(admin, "login-email").fill(ADMIN.email);
    await tid(admin, "login-password").fill("wrong password for sure");
    await tid(admin, "login-submit").click();
    await expect.poll(() => tid(admin, "login-error").textContent(), { timeout: 10_000 }).toContain("invalid email or password");
    await admin.screenshot({ path: join(ARTIFACTS, "login-error.png") });
    await tid(admin, "login-password").fill(ADMIN.password);
    await tid(admin, "login-submit").click();
    await admin.waitForURL(`${base}/targets/alpha?range=24h`);
    await expect.poll(() => tid(admin, "current-user").textContent(), { timeout: 10_000 }).toBeTruthy();
  });

  it("[AUTH][ADMIN]: an admin invites an on-call engineer, who must choose a new password at first login", async () => {
    await admin.goto(`${base}/admin/users`);
    await tid(admin, "invite-email").fill("oncall@e2e.local");
    await tid(admin, "invite-name").fill("On Call");
    await tid(admin, "invite-role-oncall").check();
    await tid(admin, "invite-submit").click();
    const temp = (await tid(admin, "temporary-password").textContent({ timeout: 10_000 }))?.trim() ?? "";
    expect(temp).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    await admin.screenshot({ path: join(ARTIFACTS, "admin-users.png"), fullPage: true });

    const ctx = await browser.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await tid(page, "login-email").fill("oncall@e2e.local");
    await tid(page, "login-password").fill(temp);
    await tid(page, "login-submit").click();
    await page.waitForURL(/\/account/, { timeout: 15_000 });
    await expect.poll(() => tid(page, "must-change-password").count(), { timeout: 10_000 }).toBe(1);
    const fresh = "on-call engineer's own password";
    await tid(page, "password-currentPassword").fill(temp);
    await tid(page, "password-newPassword").fill(fresh);
    await tid(page, "password-confirm").fill(fresh);
    await tid(page, "password-submit").click();
    await page
      .waitForURL((url) => !url.pathname.startsWith("/account"), { timeout: 15_000 })
      .catch(async () => {
        await page.screenshot({ path: join(ARTIFACTS, "password-change-stuck.png") });
        await page.goto(`${base}/`);
      });
    await expect.poll(() => page.locator('[data-testid^="tile-"]').count(), { timeout: 15_000 }).toBeGreaterThan(10);
    expect(await tid(page, "current-user").textContent()).toContain("On Call");
    expect(await tid(page, "nav-users").count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "oncall-board.png") });

    // Disabled by the admin: the engineer's live board is sent to the login page.
    await admin.goto(`${base}/admin/users`);
    const row = tid(admin, "user-row-oncall@e2e.local");
    await row.locator('[data-testid="user-toggle-disabled"]').click();
    const t0 = Date.now();
    await row.locator('[data-testid="user-toggle-disabled-confirm"]').click();
    await page.waitForURL(/\/login/, { timeout: 10_000 });
    console.log(`the disabled engineer's board reached the login page ${((Date.now() - t0) / 1000).toFixed(1)} s after the click`);
    // Disabled accounts leave the default list (they pile up) and come back on asking.
    await expect.poll(() => row.count()).toBe(0);
    await tid(admin, "users-show-disabled").click();
    await expect.poll(() => row.getAttribute("data-disabled")).toBe("true");
    await ctx.close();
  });

  it("[AUTH][LOGOUT]: logging out returns to the login page and the board is no longer reachable", async () => {
    await admin.goto(`${base}/`);
    await tid(admin, "logout").click();
    await admin.waitForURL(/\/login/);
    const res = await admin.request.get(`${base}/api/targets`);
    expect(res.status()).toBe(401);
  });
});
