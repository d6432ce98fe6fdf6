import { createUser, systemContext } from "@ops/core";
import { createDb } from "@ops/db";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journeyShot } from "../support/journeys.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { AGENTS, apiLogin, getJson, startStack } from "../support/stack.ts";

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let base: string;
let agentToken: string;
const HUMANS = [
  { email: "ada@e2e.local", password: "governance seat one 2026" },
  { email: "grace@e2e.local", password: "governance seat two 2026" },
];
const tid = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

async function member(creds: { email: string; password: string }): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, base, creds);
  return { ctx, page };
}

beforeAll(async () => {
  // The eligible members: the agent alpha (through its token) and the users with the governance role.
  stack = await startStack({ intervalSeconds: 2, governance: (g) => (g.eligibleVoters = ["alpha"]) });
  base = stack.apis[0]!;
  const db = createDb(stack.env.DATABASE_URL!, { max: 1 });
  for (const h of HUMANS)
    await createUser(db, systemContext("e2e"), { email: h.email, displayName: h.email.split("@")[0]!, roles: ["governance"] }, h.password);
  await db.close();
  // An admin gives the agent alpha its token, bound to the member it votes as.
  const admin = await apiLogin(base);
  const res = await fetch(`${base}/api/tokens`, {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: JSON.stringify({ name: "alpha (agent)", roles: ["governance"], member: "alpha" }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  agentToken = ((await res.json()) as { secret: string }).secret;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[GOVERNANCE] a proposal that changes a monitoring threshold", () => {
  it("[GOVERNANCE][VOTE]: two human members and one agent token vote it through, and the board uses the new threshold", async () => {
    const ada = await member(HUMANS[0]!);
    const grace = await member(HUMANS[1]!);
    const board = ada.page;
    for (const name of AGENTS) await expect.poll(() => tid(board, `tile-${name}`).getAttribute("data-status"), { timeout: 30_000 }).toBe("ok");

    // Ada proposes: warn when memory is at 5 % or more (the simulated agents sit near 40 %).
    const page = await ada.ctx.newPage();
    await page.goto(`${base}/proposals`);
    await tid(page, "proposal-new").click();
    await tid(page, "prop-title").fill("Warn earlier on memory");
    await tid(page, "prop-description").fill("Lower the memory **warning** threshold to 5 % for a load test.");
    await tid(page, "prop-change-kind").selectOption("monitoring-threshold");
    await tid(page, "prop-metric").selectOption("memoryPercent");
    await tid(page, "prop-level").selectOption("warning");
    await tid(page, "prop-value").fill("5");
    // Before opening it, the form says who votes and what passes it (issue 17, item 6).
    const eligible = (await tid(page, "prop-eligible").textContent()) ?? "";
    const n = Number(/^(\d+) eligible members? vote: /.exec(eligible)?.[1]);
    expect(eligible).toContain("alpha");
    expect(n).toBeGreaterThanOrEqual(3);
    expect(await tid(page, "prop-passes").textContent()).toContain(`Passes with ${Math.floor(n / 2) + 1} of ${n} yes (simple majority)`);
    expect(await tid(page, "prop-closes").textContent()).toContain(`early once all ${n} have voted`);
    await journeyShot(page, "vote-threshold", "01-new-proposal");
    await tid(page, "prop-submit").click();
    await page.waitForURL(/\/proposals\/\d+$/, { timeout: 10_000 });
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    expect(await tid(page, "prop-category").textContent()).toMatch(/operational/i);
    await expect.poll(() => tid(page, "prop-countdown").textContent(), { timeout: 5_000 }).toMatch(/^[45]:\d\d$/);
    await tid(page, "vote-yes").click();
    await expect.poll(() => tid(page, "tally-yes").getAttribute("data-count"), { timeout: 10_000 }).toBe("1");

    // Grace votes on her own screen; Ada's page shows it live.
    await grace.page.goto(`${base}/proposals/${id}`);
    await tid(grace.page, "vote-no").click();
    await expect.poll(() => tid(page, "tally-no").getAttribute("data-count"), { timeout: 10_000 }).toBe("1");
    await tid(grace.page, "vote-yes").click();
    await expect.poll(() => tid(page, "tally-yes").getAttribute("data-count"), { timeout: 10_000 }).toBe("2");
    expect(await tid(page, "tally-no").getAttribute("data-count")).toBe("0");
    await journeyShot(page, "vote-threshold", "02-voting");

    // The agent alpha votes through the API with its token: everyone has voted, the proposal passes and applies.
    const vote = await fetch(`${base}/api/proposals/${id}/votes`, {
      method: "POST",
      headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" },
      body: JSON.stringify({ choice: "yes" }),
    });
    expect(vote.status).toBe(200);
    await expect.poll(() => tid(page, "prop-outcome").getAttribute("data-outcome"), { timeout: 10_000 }).toBe("passed");
    await expect.poll(() => tid(page, "prop-apply-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("applied");
    await expect.poll(() => tid(page, "voter-alpha").getAttribute("data-choice"), { timeout: 10_000 }).toBe("yes");
    await journeyShot(page, "vote-threshold", "03-passed");
    // The log says the whole change, wrapped, never cut (issue 17, item 7).
    const applied = page.locator('[data-testid="prop-events-table"] tr[data-kind="applied"] [data-testid="prop-event-details"]');
    await expect.poll(() => applied.textContent(), { timeout: 10_000 }).toContain("threshold → 5 %");
    expect(await applied.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);

    // The board evaluates with the new threshold: every agent warns about its memory.
    for (const name of AGENTS) await expect.poll(() => tid(board, `tile-${name}`).getAttribute("data-status"), { timeout: 20_000 }).toBe("warning");
    expect(await tid(board, "tile-steward").textContent()).toMatch(/memory \d+(\.\d+)? % ≥ 5 %/);
    await journeyShot(board, "vote-threshold", "04-board-after");
    const monitoring = await getJson<{ thresholds: { memoryPercent: { warning: number } } }>(`${base}/api/monitoring`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(monitoring.thresholds.memoryPercent.warning).toBe(5);

    // After the close, no ballot is taken.
    const late = await fetch(`${base}/api/proposals/${id}/votes`, {
      method: "POST",
      headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" },
      body: JSON.stringify({ choice: "no" }),
    });
    expect(late.status).toBe(409);
    await ada.ctx.close();
    await grace.ctx.close();
  });
});
