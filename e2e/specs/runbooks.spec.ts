import { join } from "node:path";
import { createUser, systemContext } from "@ops/core";
import { createDb } from "@ops/db";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journeyShot } from "../support/journeys.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ADMIN, AGENTS, ARTIFACTS, getJson, startStack, until } from "../support/stack.ts";

type SimAgent = { name: string; pid: number | null; restarts: number; state: string };

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let base: string;
const ONCALL = { email: "oncall@e2e.local", password: "pager duty all night 2026" };
const VIEWER = { email: "viewer@e2e.local", password: "just looking at tiles 2026" };
const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const agents = async () => (await getJson<{ agents: SimAgent[] }>(`${stack.control}/agents`)).agents;

async function contextFor(creds: { email: string; password: string }, next = "/"): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, base, creds, next);
  return { ctx, page };
}

beforeAll(async () => {
  stack = await startStack({ intervalSeconds: 2 });
  base = stack.apis[0]!;
  const db = createDb(stack.env.DATABASE_URL!, { max: 1 });
  await createUser(db, systemContext("e2e"), { email: ONCALL.email, displayName: "On Call", roles: ["oncall"] }, ONCALL.password);
  await createUser(db, systemContext("e2e"), { email: VIEWER.email, displayName: "Viewer", roles: ["viewer"] }, VIEWER.password);
  await db.close();
  browser = await launchBrowser();
  await until(
    "all agents ok",
    () => agents(),
    (a) => a.length === AGENTS.length && a.every((x) => x.state === "running"),
    60_000,
  );
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[RUNBOOKS] running a runbook from the dashboard", () => {
  it("[RUNBOOKS][ROLLING]: an on-call engineer runs a rolling restart and watches every agent restart one by one, never two down at once", async () => {
    const { ctx, page: board } = await contextFor(ONCALL);
    for (const name of AGENTS) await expect.poll(() => tid(board, `tile-${name}`).getAttribute("data-status"), { timeout: 30_000 }).toBe("ok");
    // Watch the board as a person would: record the largest number of tiles showing down at any moment.
    await board.evaluate(() => {
      const w = window as unknown as { maxDown: number; seenDown: string[]; seenNotOk: string[] };
      w.maxDown = 0;
      w.seenDown = [];
      w.seenNotOk = [];
      const look = () => {
        const tiles = [...document.querySelectorAll<HTMLElement>('[data-testid^="tile-"][data-status]:not([data-testid^="tile-status-"])')];
        const down = tiles.filter((t) => t.dataset.status === "down");
        w.maxDown = Math.max(w.maxDown, down.length);
        for (const t of down) if (!w.seenDown.includes(t.dataset.testid!)) w.seenDown.push(t.dataset.testid!);
        for (const t of tiles) if (t.dataset.status !== "ok" && !w.seenNotOk.includes(t.dataset.testid!)) w.seenNotOk.push(t.dataset.testid!);
      };
      new MutationObserver(look).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-status"], childList: true });
      look();
    });
    const before = new Map((await agents()).map((a) => [a.name, a]));

    // The tile offers the runbook with the agent filled in; the catalogue finds the rolling restart.
    await expect.poll(() => tid(board, "tile-run-steward").count()).toBe(1);
    const page = await ctx.newPage();
    await page.goto(`${base}/runbooks?agent=steward`);
    await tid(page, "runbook-agent-restart").waitFor({ timeout: 10_000 });
    await journeyShot(page, "run-a-runbook", "02-catalogue");
    await tid(page, "runbook-search").fill("rolling");
    await expect.poll(() => tid(page, "runbook-agent-restart").count()).toBe(1);
    await expect.poll(() => tid(page, "runbook-emergency-shutdown").count()).toBe(0);
    await tid(page, "procedure-agent-restart-rolling").click();
    await page.waitForURL(/\/runbooks\/agent-restart\/rolling/);
    await tid(page, "plan-preview").click();
    await expect.poll(() => page.locator('[data-testid^="plan-step-"]').count(), { timeout: 10_000 }).toBe(AGENTS.length * 2);
    await expect.poll(() => tid(page, "plan-step-0").textContent()).toContain("steward");
    expect(await tid(page, "run-start").isDisabled()).toBe(true);
    await tid(page, "confirm-check").check();
    await journeyShot(page, "run-a-runbook", "03-plan");
    await tid(page, "run-start").click();
    await page.waitForURL(/\/runs\/\d+$/, { timeout: 10_000 });
    const runId = Number(new URL(page.url()).pathname.split("/").pop());

    // Live: steps go green one after another.
    await expect.poll(() => tid(page, "run-step-0").getAttribute("data-status"), { timeout: 20_000 }).toBe("succeeded");
    await journeyShot(page, "run-a-runbook", "04-run-live");
    await expect.poll(() => tid(page, "run-status").getAttribute("data-status"), { timeout: 120_000, interval: 500 }).toBe("succeeded");
    for (let i = 0; i < AGENTS.length * 2; i++) expect(await tid(page, `run-step-${i}`).getAttribute("data-status"), `step ${i}`).toBe("succeeded");
    await journeyShot(page, "run-a-runbook", "05-run-done");
    await journeyShot(board, "run-a-runbook", "06-board-after");

    const watched = await board.evaluate(() => {
      const w = window as unknown as { maxDown: number; seenDown: string[]; seenNotOk: string[] };
      return { maxDown: w.maxDown, seenDown: w.seenDown, seenNotOk: w.seenNotOk };
    });
    console.log(
      `rolling restart seen on the board: at most ${watched.maxDown} down at once; down at some point: ${watched.seenDown.join(", ") || "none"}; not ok at some point: ${watched.seenNotOk.join(", ") || "none"}`,
    );
    expect(watched.maxDown).toBeLessThanOrEqual(1);
    // Every agent really restarted, exactly once, as a new process.
    const after = await agents();
    for (const a of after) {
      expect(a.restarts, a.name).toBe(before.get(a.name)!.restarts + 1);
      expect(a.pid, a.name).not.toBe(before.get(a.name)!.pid);
    }
    // The record: who ran it, and the audit entry.
    const { run } = await getJson<{ run: { startedBy: string; status: string; steps: { status: string }[] } }>(`${base}/api/runs/${runId}`, {
      headers: { cookie: (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
    });
    expect(run).toMatchObject({ startedBy: ONCALL.email, status: "succeeded" });
    await ctx.close();
  }, 180_000); // eleven restarts one after another, each waiting for health: more than the default minute on a busy machine

  it("[RUNBOOKS][VIEWER]: a viewer is not offered the button, and the API refuses them", async () => {
    const { ctx, page } = await contextFor(VIEWER);
    await expect.poll(() => tid(page, "tile-steward").getAttribute("data-status"), { timeout: 20_000 }).toBeTruthy();
    expect(await tid(page, "tile-run-steward").count()).toBe(0);
    await page.goto(`${base}/runbooks/agent-restart/rolling`);
    await tid(page, "run-readonly").waitFor({ timeout: 10_000 });
    expect(await tid(page, "run-start").count()).toBe(0);
    expect(await tid(page, "plan-preview").count()).toBe(0);
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(`${base}/api/runs`, {
      method: "POST",
      headers: { cookie, origin: base, "content-type": "application/json" },
      body: JSON.stringify({ runbook: "agent-restart", procedure: "rolling", params: {}, confirm: true }),
    });
    expect(res.status).toBe(403);
    await ctx.close();
  });

  it("[RUNBOOKS][NUCLEAR]: emergency shutdown level 5 is an admin's, behind the typed name of the level", async () => {
    const oncall = await contextFor(ONCALL, "/runbooks/emergency-shutdown/level-5-nuclear");
    await tid(oncall.page, "run-readonly").waitFor({ timeout: 10_000 });
    expect(await tid(oncall.page, "run-readonly").textContent()).toContain("needs the");
    expect(await tid(oncall.page, "run-start").count()).toBe(0);
    await oncall.ctx.close();

    const { ctx, page } = await contextFor(ADMIN, "/runbooks/emergency-shutdown/level-5-nuclear");
    await tid(page, "plan-preview").click();
    await expect.poll(() => page.locator('[data-testid^="plan-step-"]').count(), { timeout: 10_000 }).toBeGreaterThan(AGENTS.length);
    await tid(page, "confirm-phrase").fill("nuclear");
    expect(await tid(page, "run-start").isDisabled()).toBe(true);
    await tid(page, "confirm-phrase").fill("NUCLEAR");
    await page.screenshot({ path: join(ARTIFACTS, "runbook-nuclear-confirm.png"), fullPage: true });
    await tid(page, "run-start").click();
    await page.waitForURL(/\/runs\/\d+$/, { timeout: 10_000 });
    // It acts for real: every agent stopped (and held: auto-healing paused), then it waits on the manual steps.
    await expect.poll(() => tid(page, "run-status").getAttribute("data-status"), { timeout: 90_000, interval: 500 }).toBe("waiting");
    expect((await agents()).every((a) => a.state === "stopped")).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "runbook-nuclear-waiting.png"), fullPage: true });
    await tid(page, "run-cancel").click();
    await page.getByRole("button", { name: /^yes/i }).click();
    await expect.poll(() => tid(page, "run-status").getAttribute("data-status"), { timeout: 15_000 }).toBe("cancelled");
    await ctx.close();
  });
});
