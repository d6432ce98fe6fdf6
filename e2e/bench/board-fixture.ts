// The board at fleet size, looked at as a person would: the real stack (simulator, worker, API) with the eleven
// agents and the core services, plus BOARD_TARGETS http services on a local farm (apps/worker/bench/farm.ts), a few
// of them pointing at a dead port so they are down. Signs in through Chromium at 1440 px and 390 px, takes
// screenshots into e2e/artifacts/board-fixture/, and prints what it measured beside the goal:
//   tiles in the DOM (goal: a few hundred at most), search → the target's tile shown (goal < 1 s),
//   horizontal scroll at 390 px (goal: none).
// Run from the repo root, the dashboard built first (cd apps/web && node_modules/.bin/vite build):
//   BOARD_TARGETS=10000 e2e/node_modules/.bin/tsx e2e/bench/board-fixture.ts
// BOARD_TARGETS=0 shows today's fleet only (11 agents + services). KEEP=1 leaves the stack up until Ctrl-C.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ADMIN, ARTIFACTS, apiLogin, freePort, getJson, startStack, until } from "../support/stack.ts";

const N = Number(process.env.BOARD_TARGETS ?? 10_000);
const PER_PORT = 50;
const DOWN = [17, 4242, 7777].filter((i) => i < N);
const OUT = join(ARTIFACTS, "board-fixture");
mkdirSync(OUT, { recursive: true });

const name = (i: number) => `web-${String(i).padStart(5, "0")}`;

async function main(): Promise<void> {
  const basePort = await freeBlock(Math.ceil(N / PER_PORT));
  const deadPort = await freePort();
  const farm =
    N > 0
      ? spawn(process.execPath, ["--import", "tsx", "apps/worker/bench/farm.ts"], {
          env: { ...process.env, TARGETS: String(N), PER_PORT: String(PER_PORT), BASE_PORT: String(basePort) },
          stdio: ["ignore", "pipe", "inherit"],
        })
      : null;
  if (farm) await new Promise<void>((resolve) => farm.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));

  const stack = await startStack({
    intervalSeconds: N > 2000 ? 30 : 10,
    probeTimeoutMs: 5000,
    heartbeatTimeoutSeconds: 120,
    fleet: (f) => {
      for (let i = 0; i < N; i++) {
        const port = DOWN.includes(i) ? deadPort : basePort + Math.floor(i / PER_PORT);
        f.targets.push({
          name: name(i),
          displayName: `Web ${String(i).padStart(5, "0")}`,
          kind: "service",
          check: "http",
          baseUrl: `http://127.0.0.1:${port}/t/${i}`,
          probes: { live: "/healthz" },
          restart: { driver: "none" },
          enabled: true,
          startTimeoutSeconds: 180,
          description: i % 2 ? "Storefront web node" : "Checkout web node",
        });
      }
    },
  });
  const base = stack.apis[0]!;
  const auth = await apiLogin(base);
  const t0 = Date.now();
  await until(
    "most targets probed",
    () => getJson<{ targets: { status: string }[] }>(`${base}/api/targets`, { headers: auth }),
    (r) => r.targets.length >= N + 11 && r.targets.filter((t) => t.status !== "unknown").length >= (N + 11) * 0.9,
    600_000,
  );
  console.log(`fleet of ${N + 16} probed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  const browser = await launchBrowser();
  const report: string[] = [];
  try {
    for (const [w, h] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      const page = await browser.browser.newPage({ viewport: { width: w, height: h } });
      await signIn(page, base, ADMIN);
      await page.locator('[data-testid="tile-steward"]').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500);
      await shot(page, `board-${N}-${w}.png`, w < 500);
      const tiles = await tileCount(page);
      const [overflow, height] = await page.evaluate(() => [
        document.documentElement.scrollWidth - document.documentElement.clientWidth,
        document.documentElement.scrollHeight,
      ]);
      report.push(`${w} px: tiles in the DOM ${tiles} (goal ≤ a few hundred) · horizontal overflow ${overflow} px (goal 0) · page ${height} px tall`);

      const search = async (label: string) => {
        const wanted = name(DOWN[DOWN.length - 1] ?? 0);
        const s0 = Date.now();
        await page.locator('[data-testid="board-search"]').fill(wanted);
        await page.locator(`[data-testid="tile-${wanted}"]`).waitFor({ timeout: 10_000 });
        const ms = Date.now() - s0;
        const status = await page.locator(`[data-testid="tile-${wanted}"]`).getAttribute("data-status");
        report.push(`${w} px${label}: search "${wanted}" → its tile (${status}) in ${ms} ms (goal < 1000) · URL ${new URL(page.url()).search}`);
        if (!label) await shot(page, `board-${N}-${w}-search.png`, false);
        await page.locator('[data-testid="board-search"]').fill("");
        await page.locator('[data-testid="board-list"]').waitFor();
      };
      if (N > 0) {
        await search("");
        const group = page.locator('[data-testid="group-ok-service-http"]');
        await group.click();
        // Keyboard: Tab from the group's heading (focused by the click) walks its tiles past the rows drawn at first.
        const drawn = await tileCount(page);
        for (let i = 0; i < 300; i++) await page.keyboard.press("Tab");
        const reached = await page.evaluate(() => document.activeElement?.closest(".tile")?.getAttribute("data-testid") ?? document.activeElement?.tagName);
        report.push(`${w} px: Tab ×300 from the group heading reaches ${reached} (${drawn} tiles were drawn before)`);
        await page.mouse.wheel(0, 4000);
        await page.waitForTimeout(300);
        await shot(page, `board-${N}-${w}-open.png`, false);
        report.push(`${w} px, the ok group open and scrolled: tiles in the DOM ${await tileCount(page)}`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await search(" (after opening the ok group)");

        await page.goto(`${base}/?status=down,critical,warning`);
        await page.locator('[data-testid="board-count"]').waitFor();
        await shot(page, `board-${N}-${w}-problems.png`, false);
      }
      await page.close();
    }
  } finally {
    console.log(report.join("\n"));
    if (process.env.KEEP) {
      console.log(`stack up at ${base} (admin ${ADMIN.email}); Ctrl-C to stop`);
      await new Promise((r) => process.once("SIGINT", r));
    }
    await browser.close();
    await stack.close();
    farm?.kill("SIGTERM");
  }
}

/** A block of free ports below Linux's ephemeral range (32768+), where outgoing connections never land. */
async function freeBlock(n: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * 9_000);
    const ok = await Promise.all(Array.from({ length: n }, (_, i) => free(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error(`no free block of ${n} ports`);
}

function tileCount(page: Page): Promise<number> {
  return page.locator(".tile[data-status]").count();
}

async function shot(page: Page, file: string, fullPage: boolean): Promise<void> {
  await page.screenshot({ path: join(OUT, file), fullPage });
}

await main();
