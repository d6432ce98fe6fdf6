import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn } from "../support/browser.ts";
import { sidewaysScroll } from "../support/a11y.ts";
import { ADMIN, ARTIFACTS, apiLogin, getJson, startStack, until } from "../support/stack.ts";

// Issue 17, item 9: a tile holds every state at every width, from a desk down to a phone: its port and its
// footer's words are whole (not cut, not ellipsised) and inside the tile.
let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let base: string;
let admin: Record<string, string>;
let page: Page;
const tid = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);
const WIDTHS = [1280, 1024, 768, 390, 360];

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  return getJson(`${base}${path}`, {
    method,
    headers: { ...admin, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const fault = (name: string, kind: string, ms?: number) =>
  getJson(`${stack.control}/agents/${name}/fault`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ms === undefined ? { kind } : { kind, ms }),
  });

beforeAll(async () => {
  stack = await startStack({ intervalSeconds: 3, probeTimeoutMs: 2500 });
  base = stack.apis[0]!;
  admin = await apiLogin(base);
  browser = await launchBrowser();
  page = await browser.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, base, ADMIN);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Every tile's words that must stay whole, measured in the page: cut text, or text outside its tile. */
function cutText(p: Page): Promise<{ problems: string[]; tiles: number }> {
  return p.evaluate(() => {
    const problems: string[] = [];
    const tiles = [...document.querySelectorAll<HTMLElement>('[data-testid^="tile-"][data-status]:not([data-testid^="tile-status-"])')];
    for (const tile of tiles) {
      const box = tile.getBoundingClientRect();
      const name = tile.dataset.testid!.slice(5);
      const parts = [
        ...tile.querySelectorAll<HTMLElement>(".tile__name, .tile__port, .tile__badges > *, .tile__foot > *, .tile__metrics dd, .tile__metrics dt"),
      ];
      if (!tile.querySelector(".tile__port")) problems.push(`${name}: no port shown`);
      if (!tile.querySelector(".tile__foot > .tile__checked")) problems.push(`${name}: no footer`);
      for (const el of parts) {
        const r = el.getBoundingClientRect();
        const what = `${name} ${el.className || el.tagName} "${el.textContent}"`;
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${what}: cut (${el.scrollWidth} > ${el.clientWidth} px)`);
        if (r.width === 0 || r.height === 0) problems.push(`${what}: not visible`);
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
          problems.push(`${what}: outside its tile (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(box.left)}–${Math.round(box.right)})`);
      }
    }
    return { problems, tiles: tiles.length };
  });
}

describe("[TILES] tiles at every width", () => {
  it(
    "[TILES][9]: ok, warning, critical, down, starting, off and with an incident badge: port and footer whole at 1280, 1024, 768, 390 and 360 px",
    { timeout: 180_000 },
    async () => {
      await until(
        "every agent probed ok",
        () => getJson<{ targets: { name: string; kind: string; status: string }[] }>(`${base}/api/targets`, { headers: admin }),
        (r) => r.targets.filter((t) => t.kind === "agent").every((t) => t.status === "ok"),
        90_000,
      );
      await page.goto(`${base}/`);
      await expect.poll(() => tid(page, "tile-steward").getAttribute("data-status"), { timeout: 30_000 }).toBe("ok");
      // Each agent put in one state, left there: self-healing paused where it would end the state.
      for (const name of ["alpha", "beta", "charlie"]) expect(await api("POST", `/api/targets/${name}/healing`, { paused: true })).toBeTruthy();
      await fault("alpha", "degraded"); // warning: the event loop is slow
      await fault("beta", "memory", 500); // critical: memory past 90 %
      await fault("charlie", "crash"); // down, and an incident opens for it
      await fault("coder", "slowstart", 120_000); // every start of coder now takes two minutes…
      await api("POST", "/api/incidents", { title: "sentinel answers late", severity: "P2", targets: ["sentinel"] }); // ok, with a badge
      const look = (name: string) => tid(page, `tile-${name}`).evaluate((e) => [...e.classList].find((c) => c.startsWith("tile--") && c !== "tile--off") ?? "");
      await expect.poll(() => look("alpha"), { timeout: 30_000 }).toBe("tile--warning");
      await expect.poll(() => look("beta"), { timeout: 30_000 }).toBe("tile--critical");
      await expect.poll(() => look("charlie"), { timeout: 30_000 }).toBe("tile--down");
      // …and self-healing restarts it: the tile says it is starting.
      await expect.poll(() => look("coder"), { timeout: 30_000 }).not.toBe("tile--ok");
      await api("POST", "/api/targets/coder/healing/actions", { action: "retry" });
      await expect.poll(() => look("coder"), { timeout: 30_000 }).toBe("tile--starting");
      await expect.poll(() => tid(page, "incident-badge-sentinel").count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => tid(page, "incident-badge-charlie").count(), { timeout: 30_000 }).toBe(1);
      expect(await tid(page, "tile-litellm").getAttribute("data-enabled")).toBe("false");

      const report: string[] = [];
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
        // Still every state at this width (the states hold while we measure).
        expect(await look("coder"), `coder at ${width}`).toBe("tile--starting");
        const { problems, tiles } = await cutText(page);
        expect(tiles).toBeGreaterThanOrEqual(16);
        report.push(...problems.map((p) => `@${width}: ${p}`));
        const { over } = await sidewaysScroll(page);
        if (over > 0) report.push(`@${width}: the board scrolls sideways by ${over} px`);
        await page.screenshot({ path: join(ARTIFACTS, `tiles-${width}.png`), fullPage: width < 800 });
      }
      expect(report, report.join("\n")).toEqual([]);
    },
  );
});
