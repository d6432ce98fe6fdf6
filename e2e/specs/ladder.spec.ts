import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ADMIN, ARTIFACTS, apiLogin, getJson, startStack, until } from "../support/stack.ts";

type Target = { name: string; status: string; healing: { state: string; reason: string | null; lastExit?: { code: number | null } | null } | null };
type Restart = { attempt: number; kind: string; status: string; driver: string; startedAt: string; dueAt: string };

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let page: Page;
let auth: Record<string, string>;
let base: string;
let receiver: http.Server;
const hooks: { title: string; text: string; target: string }[] = [];

const tile = (name: string) => page.locator(`[data-testid="tile-${name}"]`);
const api = <T>(path: string) => getJson<T>(`${base}${path}`, { headers: auth });
const target = (name: string) => api<{ target: Target }>(`/api/targets/${name}`).then((r) => r.target);
const control = (path: string, init: RequestInit = {}) => getJson(`${stack.control}${path}`, init);
const fault = (name: string, kind: string) =>
  control(`/agents/${name}/fault`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind }) });

beforeAll(async () => {
  // A local receiver stands in for the team's webhook (Slack-compatible or generic JSON).
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hooks.push(JSON.parse(body) as { title: string; text: string; target: string });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  stack = await startStack({
    selfHealing: { backoffSeconds: [1, 2, 3], maxRestartsInWindow: 3, restartWindowSeconds: 120, configSnapshotAfterSeconds: 2 },
    webhookUrl,
  });
  base = stack.apis[0]!;
  auth = await apiLogin(base);
  await until(
    "beta ok",
    () => target("beta"),
    (t) => t.status === "ok",
    60_000,
  );
  browser = await launchBrowser();
  page = await browser.browser.newPage({ viewport: { width: 1366, height: 768 } });
  await signIn(page, base, ADMIN);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  receiver?.close();
});

describe("[LADDER] the self-healing ladder against the real simulator", () => {
  it("[LADDER][CRASH]: a crashed agent is restarted by the watchdog, with no human, and is ok again", async () => {
    await fault("beta", "crash");
    await expect.poll(() => tile("beta").getAttribute("data-status"), { timeout: 10_000, interval: 100 }).toBe("down");
    await expect.poll(() => tile("beta").getAttribute("data-status"), { timeout: 20_000 }).toBe("ok");
    await expect.poll(async () => (await api<{ restarts: Restart[] }>("/api/restarts?target=beta")).restarts[0]?.status, { timeout: 10_000 }).toBe("healthy");
    const { restarts } = await api<{ restarts: Restart[] }>("/api/restarts?target=beta");
    expect(restarts[0]).toMatchObject({ attempt: 1, kind: "restart", status: "healthy", driver: "simulator" });
    const agent = (await control("/agents/beta")) as { agent: { restarts: number } };
    expect(agent.agent.restarts).toBeGreaterThanOrEqual(1);
  });

  it("[LADDER][DOCTOR]: a broken config (exit 78) goes to the doctor at once: no restarts into it; the last good copy is restored", async () => {
    // The console keeps a last-known-good copy of beta's openclaw.json once beta has been ok for 2 s.
    await expect
      .poll(async () => (await api<{ config: { lastGood: { version: number } | null } }>("/api/targets/beta/config")).config.lastGood?.version ?? null, {
        timeout: 20_000,
      })
      .not.toBeNull();
    const acted = (r: Restart[]) => r.filter((x) => x.kind === "restart" && x.status !== "skipped").length;
    const before = acted((await api<{ restarts: Restart[] }>("/api/restarts?target=beta")).restarts);
    await fault("beta", "badconfig");
    await expect.poll(async () => (await target("beta")).healing?.state, { timeout: 30_000, interval: 200 }).toBe("escalated");
    expect((await target("beta")).healing?.lastExit).toMatchObject({ code: 78 });
    // A restart cannot fix a config error: escalated on the first exit, not after three restarts.
    expect(acted((await api<{ restarts: Restart[] }>("/api/restarts?target=beta")).restarts)).toBe(before);
    // Level 3: the exit-78 signature matches CASE-001, whose actions restore the config and restart.
    await expect.poll(() => tile("beta").getAttribute("data-status"), { timeout: 40_000 }).toBe("ok");
    type Diagnosis = { caseId: string; confidence: number; outcome: string; signature: string };
    let diagnoses: Diagnosis[] = [];
    await expect
      .poll(
        async () => {
          diagnoses = (await api<{ diagnoses: Diagnosis[] }>("/api/diagnoses?target=beta")).diagnoses;
          return diagnoses[0]?.outcome;
        },
        { timeout: 20_000 },
      )
      .toBe("fixed");
    expect(diagnoses[0]).toMatchObject({ caseId: "CASE-001", outcome: "fixed" });
    expect(diagnoses[0]!.signature).toMatch(/invalid config/);
    const { cases } = await api<{ cases: { id: string; attempts: number; successes: number }[] }>("/api/cases");
    expect(cases.find((c) => c.id === "CASE-001")).toMatchObject({ attempts: 1, successes: 1 });
    const { incidents } = await api<{ incidents: { id: number; status: string }[] }>("/api/incidents?target=beta&status=all");
    await expect
      .poll(async () => (await api<{ incident: { status: string } }>(`/api/incidents/${incidents[0]!.id}`)).incident.status, { timeout: 15_000 })
      .toBe("resolved");
    const detail = await api<{ timeline: { kind: string; actor: string }[] }>(`/api/incidents/${incidents[0]!.id}`);
    const kinds = detail.timeline.map((e) => e.kind);
    for (const k of ["opened", "escalated", "diagnosis", "resolved"]) expect(kinds, k).toContain(k);
    expect(hooks).toHaveLength(0);
    // What a person sees: the diagnosis on the target page, the incident's timeline.
    await page.goto(`${base}/targets/beta`);
    await expect.poll(() => page.locator('[data-testid="diagnosis"]').first().getAttribute("data-outcome"), { timeout: 10_000 }).toBe("fixed");
    expect(await page.locator('[data-testid="diagnosis-case"]').first().textContent()).toContain("CASE-001");
    await page.screenshot({ path: join(ARTIFACTS, "target-doctor.png"), fullPage: true });
    await page.goto(`${base}/incidents/${incidents[0]!.id}`);
    await expect.poll(() => page.locator('[data-testid="timeline-entry"][data-kind="diagnosis"]').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('[data-testid="timeline-entry"][data-kind="diagnosis"]').last().textContent()).toContain("fixed: CASE-001");
    await page.screenshot({ path: join(ARTIFACTS, "incident-page.png"), fullPage: true });
  });

  it("[LADDER][ALERT]: with no case for it (the team edited the library), the failure reaches people through the webhook", async () => {
    const { cases } = await api<{ cases: { id: string }[] }>("/api/cases");
    for (const { id } of cases) {
      const edited = await fetch(`${base}/api/cases/${id}`, {
        method: "PATCH",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ signature: null, keywords: ["a keyword nothing has"], requires: ["nothing has this"], exitCodes: [] }),
      });
      expect(edited.status).toBe(200);
    }
    await fault("beta", "badconfig");
    await expect.poll(() => hooks.length, { timeout: 40_000 }).toBeGreaterThan(0);
    expect(hooks[0]).toMatchObject({ target: "beta" });
    expect(hooks[0]!.title).toMatch(/^\[CRITICAL\] beta escalated: .*a restart cannot fix this/);
    expect(hooks[0]!.text).toMatch(/diagnosis: (no case matched|unsure)/);
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('[data-testid="ladder-beta"]').getAttribute("data-state"), { timeout: 10_000 }).toBe("escalated");
    await page.screenshot({ path: join(ARTIFACTS, "ladder-escalated.png") });
    await control("/agents/beta/fault", { method: "DELETE" }).catch(() => {});
    await control("/agents/beta/restart", { method: "POST" });
    await expect.poll(() => tile("beta").getAttribute("data-status"), { timeout: 20_000 }).toBe("ok");
  });

  it("[LADDER][PAUSE]: an on-call engineer pauses auto-healing on the target page; a crash is then left alone", async () => {
    await page.goto(`${base}/targets/charlie`);
    await page.locator('[data-testid="healing-toggle"]').click();
    const confirm = page.locator('[data-testid="healing-toggle-confirm"]');
    if (await confirm.count()) await confirm.click();
    await expect.poll(async () => (await target("charlie")).healing?.state, { timeout: 10_000 }).toBe("paused");
    await fault("charlie", "crash");
    await expect.poll(async () => (await target("charlie")).status, { timeout: 10_000 }).toBe("down");
    await new Promise((r) => setTimeout(r, 3000));
    const { restarts } = await api<{ restarts: Restart[] }>("/api/restarts?target=charlie");
    expect(restarts).toHaveLength(0);
    const audit = await api<{ entries: { action: string; actor: { label: string } }[] }>("/api/audit?action=target.healing");
    expect(audit.entries[0]).toMatchObject({ action: "target.healing.pause", actor: { label: ADMIN.email } });
    await page.screenshot({ path: join(ARTIFACTS, "target-paused.png"), fullPage: true });
  });
});
