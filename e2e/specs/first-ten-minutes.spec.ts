import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn } from "../support/browser.ts";
import { journeyShot } from "../support/journeys.ts";
import { ADMIN, ARTIFACTS, apiLogin, getJson, startStack } from "../support/stack.ts";

// Issue 17: what a person trips on in the first ten minutes. One case per item, through the real dashboard.
let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let base: string;
let admin: Record<string, string>;
let page: Page;
const tid = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...admin, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

/** The simulator's control API: a fault on (POST) or off (DELETE), start, stop. */
async function control(agent: string, method: string, action: string, body?: unknown): Promise<void> {
  await getJson(`${stack.control}/agents/${agent}/${action}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  stack = await startStack({ intervalSeconds: 2 });
  base = stack.apis[0]!;
  admin = await apiLogin(base);
  browser = await launchBrowser();
  const ctx = await browser.browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await ctx.newPage();
  await signIn(page, base, ADMIN);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[FIRST10] the first ten minutes", () => {
  it("[FIRST10][1]: a first password: every rule shown before typing, ticked off while typing", async () => {
    const invited = await api<{ temporaryPassword: string }>("POST", "/api/users", { email: "dana@e2e.local", displayName: "Dana", roles: ["oncall"] });
    expect(invited.status).toBe(201);
    const ctx = await browser.browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await ctx.newPage();
    await p.goto(`${base}/login`);
    await tid(p, "login-email").fill("dana@e2e.local");
    await tid(p, "login-password").fill(invited.json.temporaryPassword);
    await tid(p, "login-submit").click();
    await p.waitForURL(/\/account/, { timeout: 15_000 });
    await expect.poll(() => tid(p, "password-rules").count(), { timeout: 10_000 }).toBe(1);
    await journeyShot(p, "first-login", "01-choose-a-password");
    const rule = (id: string) => tid(p, `password-rule-${id}`).getAttribute("data-ok");
    // Before typing: all four rules, with the email name spelled out.
    await expect.poll(() => tid(p, "password-rules").locator("li").count(), { timeout: 10_000 }).toBe(4);
    expect(await tid(p, "password-rule-email-name").textContent()).toContain("“dana”");
    expect(await rule("length")).toBe("false");
    await tid(p, "password-newPassword").fill("dana-rocks-2026");
    await expect.poll(() => rule("length")).toBe("true");
    expect(await rule("email-name")).toBe("false");
    await journeyShot(p, "first-login", "02-rules-while-typing");
    await tid(p, "password-newPassword").fill("a river of quiet stones");
    for (const id of ["length", "max-length", "email-name", "variety"]) await expect.poll(() => rule(id)).toBe("true");
    // The journey ends on the board, signed in with the new password.
    await tid(p, "password-currentPassword").fill(invited.json.temporaryPassword);
    await tid(p, "password-confirm").fill("a river of quiet stones");
    await journeyShot(p, "first-login", "03-password-chosen");
    await tid(p, "password-submit").click();
    await p.waitForURL((u) => !u.pathname.startsWith("/account"), { timeout: 15_000 });
    await expect.poll(() => tid(p, "tile-steward").count(), { timeout: 15_000 }).toBe(1);
    await journeyShot(p, "first-login", "04-board");
    await ctx.close();
  });

  it("[FIRST10][3]: detection told plainly: failed at the last healthy sample, detected later, and the tile's time ticking", async () => {
    // charlie answers 500s (no exit, so only a probe can see it) and stays that way: healing paused.
    expect((await api("POST", "/api/targets/charlie/healing", { paused: true })).status).toBe(200);
    await control("charlie", "POST", "fault", { kind: "error" });
    type Inc = { id: number; key: string; targets: string[]; startedAt: string; detectedAt: string; mttdMs: number | null; source: string };
    const openFor = async () => (await api<{ incidents: Inc[] }>("GET", "/api/incidents?status=open&target=charlie")).json.incidents[0];
    await expect.poll(async () => (await openFor())?.source, { timeout: 30_000 }).toBe("ladder");
    const inc = (await openFor())!;
    // The start is the last healthy sample, strictly before the first failing one: never "0 s".
    expect(Date.parse(inc.detectedAt)).toBeGreaterThan(Date.parse(inc.startedAt));
    expect(inc.mttdMs).toBe(Date.parse(inc.detectedAt) - Date.parse(inc.startedAt));
    await page.goto(`${base}/incidents/${inc.id}`);
    await expect.poll(() => tid(page, "incident-mttd").textContent(), { timeout: 10_000 }).toMatch(/^Failed .+ · detected .+ \((<1 s|\d+ s) later\)/);
    expect(await tid(page, "incident-mttd").textContent()).toContain("from the last healthy sample");
    expect(await tid(page, "incident-mttd").getAttribute("data-state")).toBe("lag");
    await journeyShot(page, "crash-heals", "05-incident-detection-in-words");
    // The tile says how long the target has been in its state, counting on the client: never a frozen "0 s".
    await page.goto(`${base}/`);
    const forText = page.locator('[data-testid="tile-charlie"] .tile__for');
    await expect.poll(() => forText.textContent(), { timeout: 10_000 }).toMatch(/^(down|critical) for \d+ s/);
    // It ticks on the client, once a second, while the state stays.
    const shown = async () => Number(/for (\d+) s/.exec((await forText.textContent()) ?? "")?.[1] ?? -1);
    const first = await shown();
    await expect.poll(shown, { timeout: 10_000 }).toBeGreaterThanOrEqual(first + 2);
    await control("charlie", "DELETE", "fault");
    expect((await api("POST", "/api/targets/charlie/healing", { paused: false })).status).toBe(200);
    await expect.poll(async () => (await openFor()) === undefined, { timeout: 30_000 }).toBe(true);
  });

  it("[FIRST10][4]: Runbook ▸ on a down agent's tile offers that agent's procedures, the restart first", async () => {
    // dreamer down and left down: healing paused, then crashed in the simulator.
    expect((await api("POST", "/api/targets/dreamer/healing", { paused: true })).status).toBe(200);
    await getJson(`${stack.control}/agents/dreamer/fault`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "crash" }),
    });
    await page.goto(`${base}/`);
    await expect.poll(() => tid(page, "tile-dreamer").getAttribute("data-status"), { timeout: 30_000 }).toBe("down");
    await tid(page, "tile-run-dreamer").click();
    await expect.poll(() => tid(page, "runbooks-for-target").getAttribute("data-status"), { timeout: 10_000 }).toBe("down");
    const offers = tid(page, "runbooks-for-target").locator('[data-testid^="offer-"]');
    expect(await offers.first().getAttribute("data-testid")).toBe("offer-agent-restart-single");
    expect(await offers.first().getAttribute("data-suggested")).toBe("true");
    // Only what acts on one agent: the fleet-wide procedures stay in the catalogue below.
    const ids = await offers.evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
    expect(ids).not.toContain("offer-agent-restart-rolling");
    expect(ids.some((id) => id?.startsWith("offer-backup-restoration"))).toBe(false);
    await journeyShot(page, "run-a-runbook", "01-offers-for-a-down-agent");
    expect((await api("POST", "/api/targets/dreamer/healing", { paused: false })).status).toBe(200);
  });

  it("[FIRST10][5]: learnings read by name, and every date in one form", async () => {
    const ops = await api<{ learning: { id: string } }>("POST", "/api/learnings", {
      type: "OPS",
      heading: "charlie_down_connection_refused",
      priority: "high",
      area: "incident_management",
      summary: "charlie refused connections after its config changed",
    });
    expect(ops.status).toBe(201);
    const content = [
      "## [LRN-20261120-001] incident_pattern",
      "",
      "**Logged**: 2026-11-20T09:00:00Z",
      "**Priority**: medium",
      "**Status**: pending",
      "**Area**: monitoring",
      "",
      "### Summary",
      "beta restarts after every deploy",
      "",
      "### Metadata",
      "- Pattern-Key: beta.restart_after_deploy",
      "- Recurrence-Count: 3",
      "- First-Seen: 2026-11-01",
      "- Last-Seen: 2026-11-20",
      "",
      "---",
      "",
    ].join("\n");
    expect((await api("POST", "/api/learnings/import", { kind: "learnings", content })).status).toBe(200);
    await page.goto(`${base}/learnings`);
    const opsRow = tid(page, `lrn-row-${ops.json.learning.id}`);
    await expect.poll(() => opsRow.locator(".inc-title").textContent(), { timeout: 10_000 }).toBe("Charlie down connection refused");
    expect(await tid(page, "lrn-row-LRN-20261120-001").locator(".inc-title").textContent()).toBe("Incident pattern");
    const lastSeen = await page.locator('[data-testid^="lrn-row-"] td:last-child').allTextContents();
    expect(lastSeen.length).toBeGreaterThanOrEqual(2);
    for (const text of lastSeen) expect(text).toMatch(/^(today|yesterday|\d{1,2} [A-Z][a-z]{2}( \d{4})?)$/);
    expect(lastSeen).toContain("20 Nov");
    await page.screenshot({ path: join(ARTIFACTS, "first10-learnings.png"), fullPage: true });
  });

  it("[FIRST10][8]: incident numbers follow one another, whoever opens them and however many at once", async () => {
    const before = (await api<{ incidents: { id: number; key: string }[] }>("GET", "/api/incidents?status=all&limit=200")).json.incidents;
    // Six opened by hand at the same moment, while the watchdog opens its own for two agents that crash together.
    for (const name of ["empath", "historian"]) expect((await api("POST", `/api/targets/${name}/healing`, { paused: true })).status).toBe(200);
    const manual = Promise.all(
      Array.from({ length: 6 }, (_, i) => api("POST", "/api/incidents", { title: `Paging test ${i + 1}`, severity: "P4", summary: "opened together" })),
    );
    await Promise.all(["empath", "historian"].map((name) => control(name, "POST", "fault", { kind: "crash" })));
    for (const r of await manual) expect(r.status).toBe(201);
    type Inc = { id: number; key: string; targets: string[] };
    const all = async () => (await api<{ incidents: Inc[] }>("GET", "/api/incidents?status=all&limit=200")).json.incidents;
    await expect.poll(async () => (await all()).filter((i) => i.targets.some((t) => t === "empath" || t === "historian")).length, { timeout: 30_000 }).toBe(2);
    const list = await all();
    expect(list.length).toBe(before.length + 8);
    // INC-1 … INC-n with no number missing, each key its own number.
    const numbers = list.map((i) => Number(i.key.replace(/^INC-/, ""))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    await page.goto(`${base}/incidents?status=all`);
    await expect.poll(() => page.locator('[data-testid^="incident-row-INC-"]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(8);
    const keys = await page
      .locator('[data-testid^="incident-row-INC-"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")!.replace("incident-row-", "")));
    for (const k of keys) expect(list.map((i) => i.key)).toContain(k);
    for (const name of ["empath", "historian"]) {
      await control(name, "POST", "start");
      expect((await api("POST", `/api/targets/${name}/healing`, { paused: false })).status).toBe(200);
    }
  });

  it("[FIRST10][10]: disabled users are out of the way, and one who never acted can be deleted", async () => {
    for (const n of [1, 2, 3]) {
      const u = await api<{ user: { id: string } }>("POST", "/api/users", { email: `gone${n}@e2e.local`, displayName: `Gone ${n}`, roles: ["viewer"] });
      expect((await api("PATCH", `/api/users/${u.json.user.id}`, { disabled: true })).status).toBe(200);
    }
    await api("POST", "/api/users", { email: "typo@e2e.local", displayName: "Typo", roles: ["viewer"] });
    await page.goto(`${base}/admin/users`);
    await expect.poll(() => tid(page, "user-row-typo@e2e.local").count(), { timeout: 10_000 }).toBe(1);
    expect(await tid(page, "user-row-gone1@e2e.local").count()).toBe(0);
    expect(await tid(page, "users-show-disabled").textContent()).toBe("Show 3 disabled");
    // The admin acted (invited everyone): no delete on their row; the typo never acted.
    expect(await tid(page, `user-row-${ADMIN.email}`).locator('[data-testid="user-delete"]').count()).toBe(0);
    await tid(page, "user-row-typo@e2e.local").locator('[data-testid="user-delete"]').click();
    await tid(page, "user-row-typo@e2e.local").locator('[data-testid="user-delete-confirm"]').click();
    await expect.poll(() => tid(page, "user-row-typo@e2e.local").count(), { timeout: 10_000 }).toBe(0);
    await tid(page, "users-show-disabled").click();
    await expect.poll(() => tid(page, "user-row-gone1@e2e.local").getAttribute("data-disabled")).toBe("true");
    await page.screenshot({ path: join(ARTIFACTS, "first10-users.png"), fullPage: true });
    const audit = await api<{ entries: { action: string }[] }>("GET", "/api/audit?action=user.delete&limit=10");
    expect(audit.json.entries.map((e) => e.action)).toContain("user.delete");
  });

  it("[FIRST10][11]: a target that is not in the fleet says which file the targets come from", async () => {
    await page.goto(`${base}/targets/nobody-here`);
    await expect.poll(() => tid(page, "target-not-found").textContent(), { timeout: 10_000 }).toMatch(/Targets come from \S*fleet\.json/);
    const fleetFile = (await api<{ fleetFile: string }>("GET", "/api/monitoring")).json.fleetFile;
    expect(await tid(page, "target-not-found").textContent()).toContain(fleetFile);
  });
});
