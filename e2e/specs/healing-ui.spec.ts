import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journeyShot } from "../support/journeys.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ADMIN, apiLogin, getJson, simulatorControl, startStack, until } from "../support/stack.ts";

type Target = { name: string; status: string; healing: { state: string; restartsInWindow: number; doctor: { outcome: string } | null } | null };
type Restart = { attempt: number; kind: string; status: string; reason: string };
type AuditEntry = { action: string; actor: { label: string }; target: { id: string | null } };

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let page: Page;
let auth: Record<string, string>;
let base: string;

const api = <T>(path: string, init: RequestInit = {}) =>
  getJson<T>(`${base}${path}`, { ...init, headers: { ...auth, "content-type": "application/json", ...(init.headers ?? {}) } });
const target = (name: string) => api<{ target: Target }>(`/api/targets/${name}`).then((r) => r.target);
const restarts = (name: string) => api<{ restarts: Restart[] }>(`/api/restarts?target=${name}`).then((r) => r.restarts);
const control = (path: string, method: string, body?: unknown) => simulatorControl(stack.control)(path, method, body);
const text = (testId: string) => page.locator(`[data-testid="${testId}"]`).first().innerText();
const attr = (testId: string, name: string) => page.locator(`[data-testid="${testId}"]`).first().getAttribute(name);

beforeAll(async () => {
  // Every simulated start takes 5 s to be ready, so the console's "starting" is there long enough to be read.
  stack = await startStack({
    selfHealing: { backoffSeconds: [1, 2, 3], maxRestartsInWindow: 3, restartWindowSeconds: 120, startupGraceSeconds: 0 },
    fleet: (f) => {
      f.simulator = { ...f.simulator, startupMs: 5000 };
    },
  });
  base = stack.apis[0]!;
  auth = await apiLogin(base);
  await until(
    "alpha and beta ok",
    () => Promise.all([target("alpha"), target("beta")]),
    (ts) => ts.every((t) => t.status === "ok"),
    60_000,
  );
  browser = await launchBrowser();
  page = await browser.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, base, ADMIN);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[HEALING-UI] what the self-healing ladder is doing, in words", () => {
  it("[HEALING-UI][STARTING]: a crashed agent's tile says it is starting, with a ticking time against its start timeout, then it is ok", async () => {
    await control("/agents/alpha/keepalive", "PUT", { enabled: false });
    await page.goto(`${base}/`);
    await expect.poll(() => attr("tile-alpha", "data-status"), { timeout: 10_000 }).toBe("ok");
    await control("/agents/alpha/fault", "POST", { kind: "crash" });
    await expect.poll(() => attr("ladder-alpha", "data-state"), { timeout: 15_000, interval: 100 }).toBe("starting");
    expect(await text("tile-status-alpha")).toMatch(/starting/i);
    expect(await attr("tile-status-alpha", "data-tone")).toBe("starting");
    const first = await text("ladder-alpha-text");
    expect(first).toMatch(/^starting \(\d+ s\)$/);
    expect(await text("ladder-alpha-detail")).toBe("of 3 min");
    await journeyShot(page, "crash-heals", "01-tile-starting");
    // The elapsed time ticks on the client between frames.
    await expect.poll(() => text("ladder-alpha-text"), { timeout: 5_000, interval: 200 }).not.toBe(first);
    await expect.poll(() => attr("tile-alpha", "data-status"), { timeout: 20_000 }).toBe("ok");
    await expect.poll(async () => (await restarts("alpha"))[0]?.status, { timeout: 10_000 }).toBe("healthy");
    await page.goto(`${base}/targets/alpha`);
    await expect.poll(() => text("restart-outcome"), { timeout: 10_000 }).toMatch(/^healthy after \d+ s$/);
    expect(await attr("restart-row", "data-kind")).toBe("restart");
    await journeyShot(page, "crash-heals", "02-restart-history");
  });

  it("[HEALING-UI][ESCALATED]: an escalated agent shows why, the doctor's verdict and what a person can do; Retry now restarts it once and is audited", async () => {
    // Two identical cases for a crash: the doctor sees a tie, says it is unsure, and does not act.
    for (const id of ["CASE-001", "CASE-002"]) {
      await api(`/api/cases/${id}`, {
        method: "PATCH",
        body: JSON.stringify({ signature: null, requires: ["simulated crash"], keywords: ["simulated crash"], exitCodes: [1] }),
      });
    }
    // Three crashes within the window escalate (maxRestartsInWindow 3); each waits for the ladder's restart to have a process to crash.
    for (let n = 1; n <= 3; n++) {
      await until(
        `beta has a process (${n})`,
        () => control("/agents/beta", "GET") as Promise<{ agent: { pid: number | null } }>,
        (r) => r.agent.pid !== null,
        30_000,
      );
      await control("/agents/beta/fault", "POST", { kind: "crash" });
      await until(
        `crash ${n} counted`,
        () => target("beta"),
        (t) => (t.healing?.restartsInWindow ?? 0) >= n || t.healing?.state === "escalated",
        15_000,
      );
    }
    await expect.poll(async () => (await target("beta")).healing?.state, { timeout: 15_000, interval: 200 }).toBe("escalated");
    await expect.poll(async () => (await target("beta")).healing?.doctor?.outcome, { timeout: 15_000 }).toBe("unsure");

    await page.goto(`${base}/`);
    await expect.poll(() => attr("ladder-beta", "data-state"), { timeout: 10_000 }).toBe("escalated");
    expect(await text("tile-reason-beta")).toMatch(/^exited 1$|^killed by SIG/);
    expect(await text("ladder-beta-text")).toBe("escalated: 3 crashes within 120 s");
    await expect.poll(() => text("ladder-beta-detail"), { timeout: 10_000 }).toBe("doctor: unsure, did not act");
    await journeyShot(page, "crash-heals", "03-escalated-board");

    await page.goto(`${base}/targets/beta`);
    await page.locator('[data-testid="escalation-actions"]').waitFor({ timeout: 10_000 });
    expect(await attr("healing-state", "data-state")).toBe("escalated");
    expect(await text("healing-window")).toBe("3 of 3 crashes in 2 min");
    expect(await text("healing-last-exit")).toMatch(/^(exited 1|killed by SIG\w+) · /);
    await expect.poll(() => attr("diagnosis", "data-outcome"), { timeout: 10_000 }).toBe("unsure");
    expect(await text("diagnosis-verdict")).toMatch(/^The doctor did not act: 2 cases fit/);
    expect(await page.locator('[data-testid="diagnosis-candidate"]').count()).toBe(2);
    expect(await text("diagnosis-evidence")).toMatch(/simulated crash/);
    await expect.poll(() => attr("config-verdict", "data-tone"), { timeout: 10_000 }).toBe("ok");
    await journeyShot(page, "crash-heals", "04-escalated-target");

    await page.locator('[data-testid="healing-retry"]').click();
    await expect.poll(() => attr("healing-retry-outcome", "data-ok"), { timeout: 10_000 }).toBe("true");
    // One restart, by the person: it starts (5 s here) and is healthy, which ends the escalation.
    const retried = () => restarts("beta").then((rs) => rs.find((r) => /retry now/.test(r.reason)));
    await expect.poll(async () => (await retried())?.status, { timeout: 30_000, interval: 200 }).toBe("healthy");
    expect(await retried()).toMatchObject({ kind: "restart" });
    await expect.poll(() => text("restart-outcome"), { timeout: 10_000 }).toMatch(/^healthy after \d+ s$/);
    await expect.poll(async () => (await target("beta")).healing?.state, { timeout: 10_000 }).toBe("idle");

    const { entries } = await api<{ entries: AuditEntry[] }>("/api/audit?action=target.healing.retry&targetId=beta");
    expect(entries[0]).toMatchObject({ action: "target.healing.retry", actor: { label: ADMIN.email }, target: { id: "beta" } });
  });
});
