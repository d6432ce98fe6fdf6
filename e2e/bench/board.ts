/**
 * `npm run bench:board`: the board at 10,000 targets in headless Chromium (issue 15). The real stack
 * (simulator, worker, API: e2e/support/stack.ts) with N http targets served by the target farm
 * (apps/worker/bench/farm.ts) and one target that is down, the dashboard built into a temporary folder, every
 * target probed once; then, each figure beside its goal:
 *   - navigation → all targets usable: tiles on screen, the live channel up, and the board accounting for the
 *     whole fleet (a tile per target, or the board's count naming the fleet's size); first and again (warm);
 *   - frame times while idle and while scrolling: requestAnimationFrame deltas, p99 and the longest gap;
 *   - click on a tile → the target page showing its status;
 *   - search for the down target → its tile shown down (n/a when the board has no search box).
 * Options: --targets 10000, --seconds 10 (each frame-time window); BENCH_WEB_DIST=<dir> serves a dashboard built before.
 * BENCH_PROFILE=<dir>: afterwards, one more navigation (fresh browser context, empty cache), one more click and one
 * more search, each under Chromium's sampling profiler (CDP Profiler), with the page's long tasks
 * (PerformanceObserver 'longtask') and the network timeline (CDP Network): writes <dir>/navigation.cpuprofile,
 * click.cpuprofile and search.cpuprofile (open them in Chromium's DevTools) and prints the top self-time functions,
 * the long tasks and when the fleet arrived. The profiled figures carry the profiler's overhead; the figures above
 * are taken without it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { arg, farmTargets, kb, line, ms, onInterrupt, startFarm, stop } from "../../apps/api/bench/lib.ts";
import { launchBrowser } from "../support/browser.ts";
import { apiLogin, getJson, startStack, until } from "../support/stack.ts";

const N = arg("targets", 10_000);
const seconds = arg("seconds", 10);
const NEEDLE = "needle-down-0042";
const PROFILE_DIR = process.env.BENCH_PROFILE ?? "";
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]! : null);

/** Collects long tasks from the first script on; read with `window.__longtasks`. */
const LONGTASKS_INIT = `(() => {
  const tasks = [];
  window.__longtasks = tasks;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) });
    }).observe({ type: "longtask", buffered: true });
  } catch {}
})()`;

type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
};

/** Self time per function (name, file, line), the largest first, and the total sampled. */
function topSelf(profile: CpuProfile, n: number): { total: number; rows: [string, number][] } {
  const byId = new Map(profile.nodes.map((x) => [x.id, x.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id);
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!f) return;
    const file = f.url.split("/").pop() || "";
    const key = `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + us);
    if (f.functionName !== "(idle)" && f.functionName !== "(program)") total += us;
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { total: total / 1000, rows: rows.map(([k, us]) => [k, us / 1000]) };
}

/** Request and WebSocket timeline (ms since `t0`, CDP monotonic seconds) of what the page loaded. */
function watchNetwork(cdp: CDPSession) {
  const events: string[] = [];
  let t0 = 0;
  const urls = new Map<string, string>();
  const at = (ts: number) => `${Math.round((ts - t0) * 1000)} ms`.padStart(8);
  cdp.on("Network.requestWillBeSent", (e) => {
    if (!t0) t0 = e.timestamp;
    const path = new URL(e.request.url).pathname;
    urls.set(e.requestId, path);
    if (path.startsWith("/api/")) events.push(`${at(e.timestamp)}  sent ${path}`);
  });
  cdp.on("Network.webSocketWillSendHandshakeRequest", (e) => events.push(`${at(e.timestamp)}  ws handshake sent`));
  cdp.on("Network.loadingFinished", (e) => events.push(`${at(e.timestamp)}  done ${urls.get(e.requestId)} (${kb(e.encodedDataLength)} on the wire)`));
  cdp.on("Network.webSocketFrameReceived", (e) => {
    const len = e.response.payloadData.length;
    if (len > 10_000) events.push(`${at(e.timestamp)}  ws frame in (${kb(len)}${e.response.opcode === 2 ? ", binary as base64" : ""})`);
  });
  return { reset: () => ((t0 = 0), (events.length = 0), urls.clear()), events };
}

/** Until the page is idle (no task for a frame's worth of time), not a fixed pause: the next profile starts clean. */
async function settled(page: Page): Promise<void> {
  await page.evaluate("new Promise((resolve) => requestIdleCallback(() => resolve(null), { timeout: 10000 }))");
}

async function profileWhile(cdp: CDPSession, label: string, run: () => Promise<number>) {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 250 });
  await cdp.send("Profiler.start");
  const took = await run();
  const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
  writeFileSync(join(PROFILE_DIR, `${label}.cpuprofile`), JSON.stringify(profile));
  const top = topSelf(profile, 15);
  process.stdout.write(`  profiled ${label}: ${ms(took)}, ${ms(top.total)} of main-thread JS and browser work sampled; top self time:\n`);
  for (const [k, t] of top.rows) process.stdout.write(`    ${ms(t).padStart(8)}  ${k}\n`);
}

/** One navigation in a fresh context and one click, each under the profiler (BENCH_PROFILE). */
async function profiled(newContext: () => Promise<BrowserContext>, base: string, cookie: string, total: number) {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const context = await newContext();
  const [name, value] = cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: base }]);
  await context.addInitScript(LONGTASKS_INIT);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const net = watchNetwork(cdp);
  const longTasks = async (label: string) => {
    const tasks = await page.evaluate<{ start: number; ms: number }[]>("window.__longtasks ?? []");
    const sum = tasks.reduce((a, t) => a + t.ms, 0);
    process.stdout.write(`  long tasks (${label}): ${tasks.length}, ${ms(sum)} in all: ${tasks.map((t) => `${t.ms} ms at ${t.start}`).join(", ")}\n`);
  };
  await profileWhile(cdp, "navigation", async () => {
    const start = Date.now();
    await page.goto(`${base}/`, { waitUntil: "commit" });
    await page.waitForFunction(
      (n) => {
        const count = (document.querySelector('[data-testid="board-count"]')?.textContent ?? "").replace(/[,\u202f\u00a0 ](?=\d{3})/g, "");
        const live = document.querySelector('[data-testid="live-indicator"]')?.getAttribute("data-state") === "live";
        return live && (count.match(/\d+/g) ?? []).map(Number).includes(n);
      },
      total,
      { timeout: 180_000, polling: 50 },
    );
    return Date.now() - start;
  });
  await longTasks("navigation, times from navigation start");
  process.stdout.write(`  network (navigation):\n${net.events.map((e) => `    ${e}`).join("\n")}\n`);
  await settled(page);
  await page.evaluate("window.__longtasks.length = 0");
  net.reset();
  const tile = page.locator('[data-testid^="tile-"]:not([data-testid^="tile-reason"])').first();
  const tileName = (await tile.getAttribute("data-testid"))!.slice("tile-".length);
  const clickStart = await page.evaluate<number>("performance.now()");
  await profileWhile(cdp, "click", async () => {
    const c0 = Date.now();
    await tile.click();
    await page.locator('[data-testid="target-status"]').waitFor({ state: "visible" });
    return Date.now() - c0;
  });
  await longTasks(`click, the click at ${Math.round(clickStart)}`);
  process.stdout.write(`  network (click on ${tileName}):\n${net.events.map((e) => `    ${e}`).join("\n")}\n`);
  // Back to the board, then the search for the down target under the profiler.
  await page.goto(`${base}/`, { waitUntil: "commit" });
  await page.locator('[data-testid="board-search"]').waitFor({ state: "visible", timeout: 180_000 });
  await settled(page);
  await page.evaluate("window.__longtasks.length = 0");
  const searchStart = await page.evaluate<number>("performance.now()");
  await profileWhile(cdp, "search", async () => {
    const s0 = Date.now();
    await page.locator('[data-testid="board-search"]').fill(NEEDLE);
    await page.locator(`[data-testid="tile-${NEEDLE}"][data-status="down"]`).waitFor({ state: "visible", timeout: 60_000 });
    return Date.now() - s0;
  });
  await longTasks(`search, typed at ${Math.round(searchStart)}`);
  process.stdout.write(`  profiles written to ${PROFILE_DIR}\n`);
  await context.close();
}

process.stdout.write(`bench:board — ${N} targets + the default fleet, headless Chromium 1366×768 (${new Date().toISOString()})\n`);

// The dashboard as it is now, built where no one else's run looks (BENCH_WEB_DIST: one built before, e.g. of another commit).
const prebuilt = process.env.BENCH_WEB_DIST ?? "";
const webDist = prebuilt || mkdtempSync(join(tmpdir(), "ops-bench-web-"));
const build = prebuilt
  ? { status: 0, stdout: "", stderr: "" }
  : spawnSync(
      process.execPath,
      [join(REPO_ROOT, "apps/web/node_modules/vite/bin/vite.js"), "build", "--outDir", webDist, "--emptyOutDir", "--logLevel", "error"],
      {
        cwd: join(REPO_ROOT, "apps/web"),
        encoding: "utf8",
      },
    );
if (build.status !== 0) throw new Error(`dashboard build failed:\n${build.stdout}\n${build.stderr}`);
const bundle = spawnSync("sh", ["-c", `cat ${webDist}/assets/*.js | wc -c; cat ${webDist}/assets/*.js | gzip -c | wc -c`], { encoding: "utf8" })
  .stdout.trim()
  .split("\n")
  .map(Number);
process.stdout.write(`  dashboard built: JS ${kb(bundle[0] ?? 0)} (${kb(bundle[1] ?? 0)} gzipped)\n`);

const farm = await startFarm(N);
// The stack's processes take the environment they are started with: the dashboard comes from webDist.
process.env.OPS_WEB_DIST = webDist;
const stack = await startStack({
  intervalSeconds: 30,
  probeTimeoutMs: 5000,
  heartbeatTimeoutSeconds: 120,
  fleet: (f) => {
    f.targets = [
      ...f.targets,
      ...farmTargets(N, farm.basePort),
      // Port 1 refuses: down, with a reason, from its first probe.
      { name: NEEDLE, kind: "service", check: "http", baseUrl: "http://127.0.0.1:1", restart: { driver: "none" }, enabled: true } as never,
    ];
  },
});
const { browser, close: closeBrowser } = await launchBrowser();
const cleanUp = async () => {
  await closeBrowser();
  await stack.close();
  await stop(farm.child);
  if (!prebuilt) rmSync(webDist, { recursive: true, force: true });
};
const forget = onInterrupt(cleanUp);
try {
  const base = stack.apis[0]!;
  const auth = await apiLogin(base);
  const t0 = Date.now();
  const targets = await until(
    "every target probed once",
    () => getJson<{ targets: { name: string; status: string; enabled: boolean }[] }>(`${base}/api/targets`, { headers: auth }).then((r) => r.targets),
    (ts) => ts.length > 0 && ts.every((t) => !t.enabled || t.status !== "unknown") && ts.some((t) => t.name === NEEDLE && t.status === "down"),
    600_000,
    2000,
  );
  const total = targets.length;
  process.stdout.write(
    `  ${total} targets probed in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${targets.filter((t) => t.enabled && t.status !== "ok").length} enabled and not ok\n`,
  );

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const [name, value] = auth.cookie!.split("=") as [string, string];
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();

  /** Navigation → the board accounts for the whole fleet, with tiles on screen and the live channel up. */
  const usable = async (p: Page, url: string) => {
    const start = Date.now();
    await p.goto(url, { waitUntil: "commit" });
    await p.waitForFunction(
      (n) => {
        const tiles = document.querySelectorAll('[data-testid^="tile-"]:not([data-testid^="tile-reason"])').length;
        const live = document.querySelector('[data-testid="live-indicator"]')?.getAttribute("data-state") === "live";
        const count = (document.querySelector('[data-testid="board-count"]')?.textContent ?? "").replace(/[,\u202f\u00a0 ](?=\d{3})/g, "");
        const named = (count.match(/\d+/g) ?? []).map(Number).includes(n);
        return tiles > 0 && live && (tiles >= n || named);
      },
      total,
      { timeout: 180_000, polling: 50 },
    );
    return Date.now() - start;
  };
  const firstMs = await usable(page, `${base}/`);
  const warmMs = await usable(page, `${base}/`);
  const tilesInDom = await page.locator('[data-testid^="tile-"]:not([data-testid^="tile-reason"])').count();
  const domNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  const rows = [
    line("navigation → all targets usable", `${ms(firstMs)} (warm ${ms(warmMs)})`, "< 2 s", firstMs < 2000),
    line("  tiles / elements in the DOM", `${tilesInDom} / ${domNodes}`),
  ];
  process.stdout.write(rows.join("\n") + "\n");

  /** requestAnimationFrame deltas for `secs` seconds, while `during` runs. */
  const frames = async (secs: number, during?: () => Promise<void>) => {
    // As a string: the bundler's helpers (__name) do not exist in the page.
    const recording = page.evaluate<number[]>(
      `new Promise((resolve) => {
        const deltas = [];
        let last = performance.now();
        const end = last + ${secs * 1000};
        function tick(t) {
          deltas.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick);
          else resolve(deltas);
        }
        requestAnimationFrame(tick);
      })`,
    );
    if (during) await during();
    return recording;
  };
  const idle = await frames(seconds);
  await page.mouse.move(683, 500);
  const scrollDeadline = Date.now() + seconds * 1000;
  const scrolling = await frames(seconds, async () => {
    let down = true;
    let steps = 0;
    while (Date.now() < scrollDeadline - 200) {
      await page.mouse.wheel(0, down ? 600 : -600);
      if (++steps % 40 === 0) down = !down;
      await sleep(50);
    }
  });
  const frameRow = (label: string, d: number[]) => {
    const p99 = pct(d, 99);
    const worst = d.reduce((a, b) => Math.max(a, b), 0);
    return line(label, `p99 ${ms(p99)}, ${d.length} frames, longest ${ms(worst)}`, "p99 < 50 ms", p99 !== null && p99 < 50);
  };
  process.stdout.write([frameRow(`frames while idle (${seconds} s)`, idle), frameRow(`frames while scrolling (${seconds} s)`, scrolling)].join("\n") + "\n");

  // Click a tile on screen → its page with its status.
  await page.evaluate(() => window.scrollTo(0, 0));
  const tile = page.locator('[data-testid^="tile-"]:not([data-testid^="tile-reason"])').first();
  const tileName = (await tile.getAttribute("data-testid"))!.slice("tile-".length);
  const c0 = Date.now();
  await tile.click({ timeout: 120_000 });
  await page.waitForURL((u) => u.pathname === `/targets/${tileName}`, { timeout: 120_000 });
  await page.locator('[data-testid="target-status"]').waitFor({ state: "visible", timeout: 120_000 });
  const clickMs = Date.now() - c0;
  process.stdout.write(line(`click a tile (${tileName}) → target page`, ms(clickMs), "< 300 ms", clickMs < 300) + "\n");

  // Search for the down target.
  await usable(page, `${base}/`);
  const search = page.locator('[data-testid="board-search"], input[type="search"]').first();
  if ((await search.count()) === 0) {
    process.stdout.write(line("search → the down target shown", "n/a: no search box") + "\n");
  } else {
    const s0 = Date.now();
    await search.fill(NEEDLE);
    await page.locator(`[data-testid="tile-${NEEDLE}"][data-status="down"]`).waitFor({ state: "visible", timeout: 60_000 });
    const searchMs = Date.now() - s0;
    process.stdout.write(line(`search "${NEEDLE}" → its tile shown down`, ms(searchMs), "< 1 s", searchMs < 1000) + "\n");
  }

  if (PROFILE_DIR) await profiled(browser.newContext.bind(browser), base, auth.cookie!, total);

  const rss = (pid: number | undefined) => (pid ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024 : 0);
  const apiRss = rss(stack.procs.find((p) => p.name === "api-0")?.child.pid);
  const workerRss = rss(stack.procs.find((p) => p.name === "worker")?.child.pid);
  process.stdout.write(
    line("API + worker RSS (tsx processes)", `${Math.round(apiRss)} + ${Math.round(workerRss)} MB`, "< 256 MB", apiRss + workerRss < 256) + "\n",
  );
  await context.close();
} finally {
  forget();
  await cleanUp();
}
