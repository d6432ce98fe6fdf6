import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AXE_SOURCE, axeViolations, describeFindings, type AxeFinding } from "../support/a11y.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ADMIN, ARTIFACTS, apiLogin, getJson, startStack, until } from "../support/stack.ts";

// Issue 16, the pages: an SLO created in the UI burns its budget while a simulated agent is broken, the overview and the
// SLO's page show it (live: the worker's SLO job says slo.updated every minute), and a deploy CI records shows on the
// delivery page with its bands and the incident that followed it. Screenshots at 1440 and 390 px, both colour schemes.

const SHOTS = process.env.SHOTS_DIR ?? join(ARTIFACTS, "slo");
let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let base: string;
let admin: Record<string, string>;
let ciToken: string;
const tid = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);
const text = async (p: Page, id: string) => ((await tid(p, id).first().textContent()) ?? "").trim();

async function session(width: number, colorScheme: "dark" | "light", next = "/"): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.browser.newContext({ viewport: { width, height: 900 }, colorScheme });
  await ctx.addInitScript(AXE_SOURCE);
  const page = await ctx.newPage();
  await signIn(page, base, ADMIN, next);
  return { ctx, page };
}

/** No horizontal page scroll: wide tables scroll inside their own wrapper. */
async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Serious and critical axe findings of every page shot, checked at the end (after every screenshot is taken). */
const findings: AxeFinding[] = [];

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (!name.startsWith("target-")) findings.push(...(await axeViolations(page, name)));
}

async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = admin): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await res.text();
  return { status: res.status, json: (raw ? JSON.parse(raw) : null) as T };
}

beforeAll(async () => {
  // The worker evaluates SLOs every 5 s instead of every minute: the same job, sooner.
  stack = await startStack({
    intervalSeconds: 2,
    monitoring: (m) => {
      m.slo = { availabilityTarget: 99.9, windowDays: 30, evaluateEverySeconds: 5 };
    },
  });
  base = stack.apis[0]!;
  admin = await apiLogin(base);
  const token = await api<{ secret: string }>("POST", "/api/tokens", { name: "ci deploys", roles: ["oncall"] });
  if (token.status !== 201) throw new Error(`token: ${token.status} ${JSON.stringify(token.json)}`);
  ciToken = token.json.secret;
  await until(
    "alpha ok",
    () => getJson<{ targets: { name: string; status: string }[] }>(`${base}/api/targets`, { headers: admin }),
    (r) => r.targets.find((t) => t.name === "alpha")?.status === "ok",
    60_000,
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[SLO] the SLO and delivery pages", () => {
  it(
    "[SLO][BURN]: an SLO created in the UI shows alpha's failures as budget spent, burn rates, a page and the policy in force",
    { timeout: 300_000 },
    async () => {
      // CI records a deploy of alpha just before it breaks: the delivery page must count it as followed by an incident.
      const now = Date.now();
      const deploy = await api<{ deployment: { id: number } }>(
        "POST",
        "/api/deployments",
        {
          service: "alpha",
          version: "2.0.0",
          commitAt: new Date(now - 50 * 60_000).toISOString(),
          deployedAt: new Date(now - 60_000).toISOString(),
          result: "succeeded",
        },
        { authorization: `Bearer ${ciToken}` },
      );
      expect(deploy.status).toBe(201);
      const quiet = await api<{ deployment: { id: number } }>(
        "POST",
        "/api/deployments",
        {
          service: "beta",
          version: "1.4.0",
          commitAt: new Date(now - 3 * 3_600_000).toISOString(),
          deployedAt: new Date(now - 2 * 3_600_000).toISOString(),
          result: "succeeded",
        },
        { authorization: `Bearer ${ciToken}` },
      );
      expect(quiet.status).toBe(201);

      const { ctx, page } = await session(1440, "dark", "/slos");
      await tid(page, "slos-empty").waitFor({ timeout: 15_000 });
      expect(await text(page, "slos-empty")).toContain("New SLO");
      expect(await page.locator("h1").first().textContent()).toBe("SLOs");

      // Create it through the form; a wrong objective is named at its field first.
      await tid(page, "slo-new").click();
      await tid(page, "slo-create-name").fill("alpha availability");
      await tid(page, "slo-create-targets").fill("alpha");
      await tid(page, "slo-create-objective").fill("101");
      await tid(page, "slo-create-policy").selectOption("approval");
      await tid(page, "slo-create-submit").click();
      expect(await text(page, "slo-create-objective-error")).toBe("Between 50 and 99.9999 %.");
      expect(await page.locator("#slo-create-objective").getAttribute("aria-invalid")).toBe("true");
      await shot(page, "slo-form-1440-dark");
      await tid(page, "slo-create-objective").fill("99.9");
      await tid(page, "slo-create-submit").click();
      await page.waitForURL(/\/slos\/\d+$/, { timeout: 10_000 });
      const id = Number(new URL(page.url()).pathname.split("/").pop());
      await tid(page, "slo-title").waitFor({ timeout: 10_000 });
      expect(await text(page, "slo-title")).toBe("alpha availability");
      expect(await text(page, "slo-targets")).toBe("alpha");
      expect(await text(page, "slo-policy")).toContain("need a governance approval");

      // alpha breaks (a bad config survives restarts) and stays down until the budget shows it.
      await getJson(`${stack.control}/agents/alpha/fault`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ kind: "badconfig" }),
      });
      await until(
        "alpha down",
        () => getJson<{ targets: { name: string; status: string }[] }>(`${base}/api/targets`, { headers: admin }),
        (r) => ["down", "critical"].includes(r.targets.find((t) => t.name === "alpha")?.status ?? ""),
        30_000,
      );

      // The page was not reloaded: the worker's pass (every minute) publishes slo.updated and the page fetches the SLO again.
      const spentAtStart = await text(page, "slo-budget-spent");
      expect(spentAtStart).toMatch(/^0 min/);
      await expect.poll(() => text(page, "slo-budget-spent"), { timeout: 150_000, interval: 1_000 }).not.toMatch(/^0 min/);
      await expect.poll(() => tid(page, "slo-alert-state").getAttribute("data-state"), { timeout: 150_000, interval: 1_000 }).toBe("page");
      await expect.poll(() => tid(page, "slo-policy").getAttribute("data-tone"), { timeout: 30_000 }).toBe("in-force");
      expect(await text(page, "slo-policy-now")).toBe(
        "In force: rolling restarts of alpha need a governance approval until the budget recovers or governance lifts the policy.",
      );
      const status = await api<{ status: { budget: { remainingPercent: number; spentMinutes: number }; burnRates: Record<string, number> } }>(
        "GET",
        `/api/slos/${id}`,
      );
      expect(status.json.status.budget.spentMinutes).toBeGreaterThan(0);
      expect(status.json.status.burnRates["5m"]).toBeGreaterThan(14.4);
      // The burn-down: the chart with its summary, remaining budget and the even pace drawn.
      const chart = tid(page, "slo-burndown");
      await chart.locator("svg .recharts-area-curve").first().waitFor({ timeout: 15_000 });
      expect(await chart.locator("svg .recharts-line-curve").count()).toBeGreaterThan(0);
      expect(await chart.locator('[role="img"]').getAttribute("aria-label")).toMatch(/^Error budget over the 30-day window: .* of 43\.2 min left/);
      // The 5-minute window's burn reaches the fast page's 14.4×.
      expect(await text(page, "slo-rate-5m")).toContain("14.4× Fast burn (page) — reached");
      expect(await tid(page, "slo-alert-page-fast").getAttribute("data-firing")).toBe("true");
      // The history: the fast page as the alert outbox sent it, with the incident it opened.
      await tid(page, "slo-history-page-fast").first().waitFor({ timeout: 150_000 });
      expect(await tid(page, "slo-history-page-fast").first().textContent()).toMatch(/Fast burn \(page\).*file \((sent|pending)\).*INC-\d+/);
      await shot(page, "slo-detail-1440-dark");

      // The overview: the row with its budget, burn rates and the page firing.
      await page.goto(`${base}/slos`);
      await tid(page, `slo-row-${id}`).waitFor({ timeout: 15_000 });
      const remaining = await text(page, `slo-remaining-${id}`);
      expect(Number(remaining.replace(" %", ""))).toBeLessThan(100);
      expect(await text(page, `slo-alert-${id}`)).toBe("Page firing");
      expect(await tid(page, `slo-row-${id}`).getAttribute("data-state")).toBe("in-force");
      await shot(page, "slos-1440-dark");

      // alpha's page has the card with the budget and a link to the SLO.
      await page.goto(`${base}/targets/alpha`);
      await tid(page, `target-slo-${id}`).waitFor({ timeout: 15_000 });
      expect(await text(page, `target-slo-${id}`)).toMatch(/alpha availability99\.9 %.* left/);
      await shot(page, "target-alpha-1440-dark");
      await ctx.close();

      // 390 px, light: no horizontal page scroll on either page.
      const phone = await session(390, "light", "/slos");
      await tid(phone.page, `slo-row-${id}`).waitFor({ timeout: 15_000 });
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(390);
      await shot(phone.page, "slos-390-light");
      await phone.page.goto(`${base}/slos/${id}`);
      await tid(phone.page, "slo-burndown").locator("svg").first().waitFor({ timeout: 15_000 });
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(390);
      await shot(phone.page, "slo-detail-390-light");

      // Governance lifts the policy for 4 hours from the page: the API records it at the version read.
      await tid(phone.page, "slo-lift-hours").selectOption("4");
      await tid(phone.page, "slo-lift").click();
      await tid(phone.page, "slo-lift-confirm").click();
      await expect.poll(() => tid(phone.page, "slo-policy").getAttribute("data-tone"), { timeout: 15_000 }).toBe("lifted");
      expect(await text(phone.page, "slo-policy-now")).toMatch(/^Lifted by governance until /);
      const lifted = await api<{ slo: { policyLiftedUntil: string | null; version: number } }>("GET", `/api/slos/${id}`);
      expect(Date.parse(lifted.json.slo.policyLiftedUntil ?? "")).toBeGreaterThan(Date.now() + 3.9 * 3_600_000);
      expect(lifted.json.slo.version).toBe(2);
      await phone.ctx.close();

      // The delivery page: the four keys with worded bands, the deploy of alpha followed by an incident, beta's not.
      const report = await api<{ week: { deploymentFrequency: { count: number; band: string }; changeFailureRate: { failedIds: string[] } } }>(
        "GET",
        "/api/delivery",
      );
      await until(
        "alpha's deploy counted as failed (an incident followed it)",
        () => api<{ week: { changeFailureRate: { failedIds: string[] } } }>("GET", "/api/delivery"),
        (r) => r.json.week.changeFailureRate.failedIds.includes(`deployment-${deploy.json.deployment.id}`),
        60_000,
      );
      expect(report.json.week.deploymentFrequency.count).toBeGreaterThanOrEqual(2);
      for (const [width, scheme] of [
        [1440, "dark"],
        [390, "light"],
      ] as const) {
        const d = await session(width, scheme, "/delivery");
        await tid(d.page, "dora-week").waitFor({ timeout: 15_000 });
        const band = await text(d.page, "dora-week-deploymentFrequency-band");
        expect(band).toBe({ elite: "Elite", high: "High", medium: "Medium", low: "Low" }[report.json.week.deploymentFrequency.band]);
        expect(await text(d.page, "dora-week-deploymentFrequency")).toContain(`${band}: at least`);
        await tid(d.page, `dora-change-deployment-${deploy.json.deployment.id}`).waitFor({ timeout: 15_000 });
        const row = tid(d.page, `dora-change-deployment-${deploy.json.deployment.id}`);
        expect(await row.getAttribute("data-failed")).toBe("true");
        expect(await row.textContent()).toContain("Followed by an incident");
        expect(await tid(d.page, `dora-change-deployment-${quiet.json.deployment.id}`).getAttribute("data-failed")).toBe("false");
        await tid(d.page, "dora-trend-perDay").locator("svg").first().waitFor({ timeout: 15_000 });
        expect(await tid(d.page, "dora-trend-perDay").locator('[role="img"]').getAttribute("aria-label")).toMatch(/^Deployments a day, week by week from /);
        expect(await pageWidth(d.page)).toBeLessThanOrEqual(width);
        await shot(d.page, `delivery-${width}-${scheme}`);
        await d.ctx.close();
      }
      await fetch(`${stack.control}/agents/alpha/fault`, { method: "DELETE" });
      expect(findings, describeFindings(findings)).toEqual([]);
    },
  );
});
