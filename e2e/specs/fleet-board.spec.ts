import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ADMIN, AGENTS, ARTIFACTS, apiLogin, getJson, startStack, until } from "../support/stack.ts";

type Target = { name: string; status: string; reason: string; version: string | null };

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let page: Page;
let auth: Record<string, string>;

const tile = (name: string) => page.locator(`[data-testid="tile-${name}"]`);

async function fault(name: string, kind: string) {
  await getJson(`${stack.control}/agents/${name}/fault`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind }) });
}
async function clearAndRestart(name: string) {
  await fetch(`${stack.control}/agents/${name}/fault`, { method: "DELETE" });
  await getJson(`${stack.control}/agents/${name}/restart`, { method: "POST" });
}

beforeAll(async () => {
  stack = await startStack({ apis: 2 });
  auth = await apiLogin(stack.apis[0]!);
  await until(
    "all eleven agents ok",
    () => getJson<{ targets: Target[] }>(`${stack.apis[0]}/api/targets`, { headers: auth }),
    (r) => AGENTS.every((a) => r.targets.find((t) => t.name === a)?.status === "ok"),
    60_000,
  );
  browser = await launchBrowser();
  page = await browser.browser.newPage({ viewport: { width: 1366, height: 768 } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[BOARD] the live fleet board", () => {
  it("[BOARD][LOAD]: after signing in, shows the eleven agents ok, with version, and says it is live", async () => {
    await signIn(page, stack.apis[0]!, ADMIN);
    for (const a of AGENTS) await expect.poll(() => tile(a).getAttribute("data-status"), { timeout: 10_000 }).toBe("ok");
    await expect.poll(() => page.locator('[data-testid="live-indicator"]').getAttribute("data-state"), { timeout: 10_000 }).toBe("live");
    expect(await tile("alpha").textContent()).toContain("2026.9.6");
    // Today's fleet is drawn whole in its two sections, with nothing to expand and no problems section.
    expect(await page.locator('[data-testid="section-agents"] .tile').count()).toBe(AGENTS.length);
    expect(await page.locator('[data-testid="section-services"] .tile').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="section-problems"], [data-testid^="group-"]').count()).toBe(0);
    expect(await page.locator('[data-testid="board-count"]').textContent()).toMatch(/^\d+ targets$/);
    await page.screenshot({ path: join(ARTIFACTS, "board.png"), fullPage: true });
  });

  it("[BOARD][CRASH]: a crashed agent turns down without reload, within one interval + 5 s, and every API process pushes it", async () => {
    const otherAuth = await apiLogin(stack.apis[1]!);
    const other = new WebSocket(stack.apis[1]!.replace("http", "ws") + "/ws", { headers: otherAuth });
    const seenOnOther = new Promise<Record<string, unknown>>((resolve) => {
      other.on("message", (d) => {
        const f = JSON.parse(d.toString()) as { type: string; target?: Target };
        if (f.type === "target.status" && f.target?.name === "alpha" && f.target.status === "down") resolve(f);
      });
    });
    await new Promise((r) => other.once("open", r));
    const navigations: string[] = [];
    page.on("framenavigated", (f) => navigations.push(f.url()));

    const t0 = Date.now();
    await fault("alpha", "crash");
    await expect.poll(() => tile("alpha").getAttribute("data-status"), { timeout: stack.intervalMs + 5_000, interval: 100 }).toBe("down");
    const seconds = (Date.now() - t0) / 1000;
    // The simulator reports the exit at once (its code); the probe may have said "connection refused" first.
    expect(await tile("alpha").textContent()).toMatch(/connection refused|process exited|exited \d+|killed by/);
    expect(navigations).toEqual([]);
    await seenOnOther;
    other.close();
    await page.screenshot({ path: join(ARTIFACTS, "board-alpha-down.png"), fullPage: true });
    console.log(`alpha shown down ${seconds.toFixed(1)} s after the crash (interval ${stack.intervalMs / 1000} s)`);

    const agent = await getJson<{ agent: { pid: number | null; state: string } }>(`${stack.control}/agents/alpha`);
    expect(agent.agent.pid === null || agent.agent.state !== "running").toBe(true);
  });

  it("[BOARD][RECOVER]: restarted through the simulator, it comes back ok", async () => {
    await clearAndRestart("alpha");
    await expect.poll(() => tile("alpha").getAttribute("data-status"), { timeout: stack.intervalMs * 3 + 5_000 }).toBe("ok");
  });

  it("[BOARD][GARBAGE]: a garbage health body is critical with a reason, never a crash", async () => {
    await fault("beta", "garbage");
    await expect.poll(() => tile("beta").getAttribute("data-status"), { timeout: stack.intervalMs + 5_000 }).toBe("critical");
    expect(await tile("beta").textContent()).toContain("body is not JSON");
    await fetch(`${stack.control}/agents/beta/fault`, { method: "DELETE" });
    await expect.poll(() => tile("beta").getAttribute("data-status"), { timeout: stack.intervalMs * 2 + 5_000 }).toBe("ok");
  });

  it("[TARGET][PAGE]: the target page shows the latency chart and the event timeline", async () => {
    await tile("alpha").click();
    await page.waitForURL(/\/targets\/alpha$/);
    await expect.poll(() => page.locator('[data-testid="target-status"]').getAttribute("data-status"), { timeout: 10_000 }).toBe("ok");
    const body = page.locator("body");
    await expect.poll(async () => (await body.textContent()) ?? "", { timeout: 10_000 }).toMatch(/connection refused|process exited|exited \d+|killed by/);
    await expect.poll(() => page.locator(".recharts-surface").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, "target-alpha.png"), fullPage: true });
    await page.goBack();
    await page.waitForURL(stack.apis[0]! + "/");
  });

  it("[BOARD][RECONNECT]: survives the API restarting: reconnecting, then live, then changes flow again", async () => {
    await stack.stopApi(0);
    await expect.poll(() => page.locator('[data-testid="live-indicator"]').getAttribute("data-state"), { timeout: 15_000 }).not.toBe("live");
    await stack.restartApi(0);
    await expect.poll(() => page.locator('[data-testid="live-indicator"]').getAttribute("data-state"), { timeout: 20_000 }).toBe("live");
    await fault("charlie", "crash");
    await expect.poll(() => tile("charlie").getAttribute("data-status"), { timeout: stack.intervalMs + 5_000 }).toBe("down");
    await clearAndRestart("charlie");
    await expect.poll(() => tile("charlie").getAttribute("data-status"), { timeout: stack.intervalMs * 3 + 5_000 }).toBe("ok");
  });

  it("[BOARD][SEARCH]: a search narrows the board to the matching target, the URL carries it, and a deep link opens it", async () => {
    await page.goto(stack.apis[0]! + "/");
    await tile("alpha").waitFor();
    const search = page.getByLabel("Search targets");
    await search.fill("sentin");
    await expect.poll(() => page.locator(".tile").count(), { timeout: 5_000 }).toBe(1);
    expect(await tile("sentinel").count()).toBe(1);
    expect(new URL(page.url()).searchParams.get("q")).toBe("sentin");
    expect(await page.locator('[data-testid="board-count"]').textContent()).toMatch(/^1 of \d+ targets match/);
    expect(await page.locator('[data-testid="board-count"]').getAttribute("aria-live")).toBe("polite");

    // The same URL, opened afresh, shows the same narrowed board; a status filter rides along.
    await page.goto(`${stack.apis[0]!}/?q=sentin&status=ok`);
    await tile("sentinel").waitFor();
    expect(await page.locator(".tile").count()).toBe(1);
    expect(await search.inputValue()).toBe("sentin");
    expect(await page.locator('[data-testid="board-chip-ok"]').getAttribute("aria-pressed")).toBe("true");

    await page.locator('[data-testid="board-clear"]').click();
    await expect.poll(() => page.locator('[data-testid="section-agents"] .tile').count(), { timeout: 5_000 }).toBe(AGENTS.length);
    expect(new URL(page.url()).search).toBe("");
  });
});
