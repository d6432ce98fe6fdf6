import { join } from "node:path";
import { createUser, systemContext } from "@ops/core";
import { createDb } from "@ops/db";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ARTIFACTS, startStack } from "../support/stack.ts";

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let page: Page;
let base: string;
const ONCALL = { email: "keeper@e2e.local", password: "restore drills matter 2026" };
const tid = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

beforeAll(async () => {
  stack = await startStack({ intervalSeconds: 5 });
  base = stack.apis[0]!;
  const db = createDb(stack.env.DATABASE_URL!, { max: 1 });
  await createUser(db, systemContext("e2e"), { email: ONCALL.email, displayName: "Keeper", roles: ["oncall"] }, ONCALL.password);
  await db.close();
  browser = await launchBrowser();
  page = await browser.browser.newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, base, ONCALL, "/backups");
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[BACKUP] the backups page", () => {
  it("[BACKUP][NOW]: an on-call engineer backs the database up from the page; it is verified by a scratch restore", async () => {
    await tid(page, "backup-type-database").waitFor({ timeout: 10_000 });
    await tid(page, "backup-now-database").click();
    await expect.poll(() => tid(page, "backup-verified-database").getAttribute("data-state"), { timeout: 60_000, interval: 1000 }).toBe("ok");
    expect(await tid(page, "backup-type-database").getAttribute("data-failing")).toBe("false");
    await page.screenshot({ path: join(ARTIFACTS, "backups-page.png"), fullPage: true });

    const row = page.locator('[data-testid^="backup-row-database-"]').first();
    await row.waitFor({ timeout: 10_000 });
    await page.locator('[data-testid^="backup-link-database-"]').first().click();
    await page.waitForURL(/\/backups\/database-\d{8}-\d{6}-[a-z0-9]{4}$/);
    await tid(page, "backup-verify").click();
    await expect.poll(() => tid(page, "backup-verify-result").getAttribute("data-state"), { timeout: 30_000 }).toBe("ok");
    expect(await tid(page, "backup-verify-checks").textContent()).toMatch(/restored into a scratch database/);
    expect(await tid(page, "backup-restore").getAttribute("href")).toMatch(/\/runbooks\/backup-restoration\/database\?backup=database-/);
    await page.screenshot({ path: join(ARTIFACTS, "backup-detail.png"), fullPage: true });
  });
});
