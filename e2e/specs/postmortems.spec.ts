import { join } from "node:path";
import { createUser, systemContext } from "@ops/core";
import { createDb } from "@ops/db";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { journeyShot } from "../support/journeys.ts";
import { launchBrowser, signIn } from "../support/browser.ts";
import { ARTIFACTS, apiLogin, getJson, startStack, until } from "../support/stack.ts";

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: { browser: Browser; close: () => Promise<void> };
let ctx: BrowserContext;
let page: Page;
let base: string;
let auth: Record<string, string>;
const ONCALL = { email: "writer@e2e.local", password: "blameless review 2026" };
const tid = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);
const api = <T>(path: string) => getJson<T>(`${base}${path}`, { headers: auth });
async function send<T>(method: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Payloads that would set a flag or open a dialog if any of them ever ran. */
const XSS = [
  "<script>window.__xss = 1</script>",
  '<img src=x onerror="window.__xss = 2">',
  "[click me](javascript:window.__xss=3)",
  "[click](JaVaScRiPt:alert(4))",
  "<svg onload=alert(5)>",
  '<a href="javascript:alert(6)">link</a>',
  "![img](javascript:alert(7))",
  '<iframe src="javascript:alert(8)"></iframe>',
  "<details open ontoggle=alert(9)>x</details>",
  "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=)",
  "`<script>alert(11)</script>` and ```\n<script>alert(12)</script>\n```",
  '<style>body{display:none}</style><p style="background:url(javascript:alert(13))">x</p>',
];

beforeAll(async () => {
  stack = await startStack({
    intervalSeconds: 2,
    selfHealing: { backoffSeconds: [1], maxRestartsInWindow: 5, restartWindowSeconds: 120, startupGraceSeconds: 0 },
  });
  base = stack.apis[0]!;
  auth = await apiLogin(base);
  const db = createDb(stack.env.DATABASE_URL!, { max: 1 });
  await createUser(db, systemContext("e2e"), { email: ONCALL.email, displayName: "Writer", roles: ["oncall"] }, ONCALL.password);
  await db.close();
  browser = await launchBrowser();
  ctx = await browser.browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  page = await ctx.newPage();
  await signIn(page, base, ONCALL);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("[POSTMORTEM] from a crash to a published postmortem and a runbook draft", () => {
  it("[POSTMORTEM][WRITE]: an on-call engineer writes, publishes and exports the postmortem of a simulated crash, then promotes its learning to a runbook draft", async () => {
    await until(
      "charlie ok",
      () => api<{ target: { status: string } }>("/api/targets/charlie"),
      (r) => r.target.status === "ok",
      60_000,
    );
    await fetch(`${stack.control}/agents/charlie/fault`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "crash" }),
    });
    type Incident = { id: number; status: string };
    const incident = await until(
      "the crash's incident resolved by the watchdog",
      () => api<{ incidents: Incident[] }>("/api/incidents?target=charlie&status=all").then((r) => r.incidents[0]),
      (i) => i?.status === "resolved",
      60_000,
    );

    await page.goto(`${base}/incidents/${incident!.id}`);
    await tid(page, "incident-write-postmortem").waitFor();
    await journeyShot(page, "postmortem", "01-incident");
    await tid(page, "incident-write-postmortem").click();
    await page.waitForURL(/\/postmortems\/\d+$/, { timeout: 10_000 });
    const pmId = Number(new URL(page.url()).pathname.split("/").pop());
    // Pre-filled from the incident: its timeline and its impact.
    await expect.poll(() => page.locator('[data-testid^="pm-timeline-event-"]').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    expect(await tid(page, "pm-impact").textContent()).toMatch(/error budget/i);

    await tid(page, "pm-summary").fill("charlie crashed and was restarted by the watchdog within seconds.");
    await tid(page, "pm-root-cause").fill("An injected **crash** fault (fleet simulator).");
    await tid(page, "pm-mitigation").fill("The watchdog restarted charlie through the simulator driver.");
    await tid(page, "pm-prevention").fill("- Keep the backoff ladder\n- Add a doctor case for crash loops");
    await tid(page, "pm-users-affected").fill("agents talking to charlie");
    await tid(page, "pm-action-add").click();
    await tid(page, "pm-action-text-0").fill("Add a crash-loop doctor case");
    await tid(page, "pm-action-owner-0").fill("on-call team");
    await expect.poll(() => tid(page, "pm-preview").textContent()).toContain("Add a crash-loop doctor case");
    expect(await tid(page, "pm-preview").locator("strong").first().textContent()).toBe("crash");
    await tid(page, "pm-save").click();
    await expect.poll(() => tid(page, "pm-saved").textContent(), { timeout: 10_000 }).toMatch(/version \d+/i);
    await journeyShot(page, "postmortem", "02-editor");
    await tid(page, "pm-submit-review").click();
    await expect.poll(() => tid(page, "pm-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("in_review");
    await tid(page, "pm-publish").click();
    await expect.poll(() => tid(page, "pm-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("published");
    await journeyShot(page, "postmortem", "03-published");

    // Export: the link downloads the OPS entry.
    const href = await tid(page, "pm-export").getAttribute("href");
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const md = await (await fetch(new URL(href!, base), { headers: { cookie } })).text();
    expect(md).toMatch(/^## \[OPS-\d{8}-\d{3}\] charlie_down/m);
    expect(md).toContain("- [ ] Add a crash-loop doctor case (on-call team, no deadline)");
    expect(md).toContain("### Resolution");

    // The published postmortem logged its OPS learning; promote it to a runbook draft.
    const { postmortem } = await api<{ postmortem: { opsId: string } }>(`/api/postmortems/${pmId}`);
    await page.goto(`${base}/learnings/${postmortem.opsId}`);
    await tid(page, "lrn-promote-to").selectOption("runbook");
    await tid(page, "lrn-promote-title").fill("Recover a crash-looping agent");
    await tid(page, "lrn-promote-submit").click();
    await tid(page, "lrn-promoted").waitFor({ timeout: 10_000 });
    await tid(page, "lrn-promoted").locator("a").first().click();
    await page.waitForURL(/\/promotions\/\d+$/);
    const payload = JSON.parse((await tid(page, "promotion-payload").textContent()) ?? "{}") as { procedures: { steps: unknown[] }[]; title: string };
    expect(payload.title).toBe("Recover a crash-looping agent");
    expect(payload.procedures[0]!.steps.length).toBeGreaterThan(0);
    await journeyShot(page, "postmortem", "04-runbook-draft");
    const { learning } = await api<{ learning: { status: string } }>(`/api/learnings/${postmortem.opsId}`);
    expect(learning.status).toBe("promoted");
  });

  it("[POSTMORTEM][XSS]: no stored payload in any postmortem field ever runs in the browser", async () => {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const { incident } = await send<{ incident: { id: number } }>("POST", "/api/incidents", { title: "xss corpus", severity: "P4" });
    const { postmortem } = await send<{ postmortem: { id: number; version: number } }>("POST", "/api/postmortems", { incidentId: incident.id });
    const text = XSS.join("\n\n");
    const saved = await send<{ postmortem: { version: number } }>("PATCH", `/api/postmortems/${postmortem.id}`, {
      version: postmortem.version,
      title: XSS[0],
      summary: text,
      rootCause: text,
      mitigation: text,
      prevention: text,
      timeline: XSS.map((event, i) => ({ at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(), event })),
      actionItems: XSS.map((t, i) => ({ id: `x${i}`, text: t, owner: XSS[(i + 1) % XSS.length]!, due: null, done: false })),
      impact: { usersAffected: XSS[1]! },
    });
    const check = async (where: string) => {
      await page.waitForTimeout(500);
      const state = await page.evaluate(() => {
        // The page's own chrome (the logo is an <svg>) is not user content: look where the stored text is rendered.
        const root =
          document.querySelector('[data-testid="pm-preview"]') ??
          document.querySelector('[data-testid="postmortems-table"]') ??
          document.querySelector("main") ??
          document.body;
        const bad = [...document.querySelectorAll("*")].filter(
          (el) =>
            (["SCRIPT", "IFRAME", "SVG", "STYLE"].includes(el.tagName.toUpperCase()) && root.contains(el)) ||
            [...el.attributes].some(
              (a) => /^on/i.test(a.name) || (/^(href|src|action|formaction|xlink:href)$/i.test(a.name) && /^\s*(javascript|vbscript|data):/i.test(a.value)),
            ),
        );
        return { flag: (window as unknown as { __xss?: number }).__xss ?? null, bad: bad.map((el) => el.outerHTML.slice(0, 120)) };
      });
      expect(state, where).toEqual({ flag: null, bad: [] });
      expect(dialogs, where).toEqual([]);
    };
    await page.goto(`${base}/postmortems/${postmortem.id}`);
    await tid(page, "pm-preview").waitFor({ timeout: 10_000 });
    await expect.poll(() => tid(page, "pm-preview").textContent()).toContain("window.__xss");
    await check("editor preview");
    await page.screenshot({ path: join(ARTIFACTS, "postmortem-xss.png"), fullPage: true });

    await send("POST", `/api/postmortems/${postmortem.id}/transition`, { to: "in_review", version: saved.postmortem.version });
    const inReview = await api<{ postmortem: { version: number } }>(`/api/postmortems/${postmortem.id}`);
    await send("POST", `/api/postmortems/${postmortem.id}/transition`, { to: "published", version: inReview.postmortem.version });
    await page.goto(`${base}/postmortems/${postmortem.id}`);
    await expect.poll(() => tid(page, "pm-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("published");
    await check("published view");
    await page.goto(`${base}/postmortems`);
    await tid(page, `postmortem-row-${postmortem.id}`).waitFor({ timeout: 10_000 });
    await check("list");
  });
});
