import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, type OpsConfig } from "@ops/config";
import { maintainSamplePartitions } from "@ops/db";
import { HOUR_MS, MINUTE_MS } from "@ops/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverAlert } from "../src/alerts/alerts.ts";
import type { BusFrame, FramePublisher } from "../src/bus.ts";
import { systemContext } from "../src/identity/context.ts";
import { openOutageIncident } from "../src/incidents/incidents.ts";
import { budgetPolicyFor, evaluateSloAlerts } from "../src/slo/alerts.ts";
import { rollUpSamples } from "../src/slo/rollups.ts";
import { createSlo, getSlo } from "../src/slo/slos.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { insertProbeSamples, openTestStack, testFleet, writeTestConfig } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let config: OpsConfig;
let receiver: Server;
let removeConfig: () => void;
const received: { title?: string; text?: string }[] = [];
const frames: BusFrame[] = [];
const bus: FramePublisher = {
  publish: async (f) => {
    frames.push(f);
    return true;
  },
};
const fleet = testFleet("alpha", "beta");
/** The controlled clock: the end of the failing hour. */
const T = Date.parse("2026-11-20T12:00:00Z") - 1;
const HOUR_START = T + 1 - HOUR_MS;

const probe = (target: string, from: number, to: number, failEvery: number | null) => insertProbeSamples(stack.db.sql, target, from, to, failEvery);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push(JSON.parse(body) as { title?: string; text?: string });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const cfg = writeTestConfig({
    monitoring: (m) => {
      const channels = (m.alerting as { channels: Record<string, { enabled: boolean; url?: string }> }).channels;
      for (const c of Object.values(channels)) c.enabled = false;
      channels.webhook = { enabled: true, url };
    },
  });
  removeConfig = cfg.remove;
  config = loadConfig(cfg.dir);
  stack = await openTestStack();
  await syncTargets(stack.db, fleet);
  for (const day of [-3, -2, -1, 0]) await maintainSamplePartitions(stack.db.sql, { now: T + day * 86_400_000, daysAhead: 1, retentionDays: 400 });
});
afterAll(async () => {
  await stack?.close();
  removeConfig?.();
  await new Promise((r) => receiver?.close(r));
});

describe("[SLO] done-when: fast burn → one page through the webhook, an incident, the budget, the policy", () => {
  it("a target failing 10 % of probes for 1 h at 99.9 %", async () => {
    await probe("alpha", T + 1 - 3 * 24 * HOUR_MS, HOUR_START, null);
    await probe("beta", T + 1 - 3 * 24 * HOUR_MS, T + 1, null);
    await rollUpSamples(stack.db, HOUR_START - 1);
    const slo = await createSlo(stack.db, systemContext("test"), {
      name: "alpha availability",
      kind: "availability",
      selector: { type: "targets", targets: ["alpha"] },
      objectivePercent: 99.9,
      windowDays: 30,
      policy: "approval",
    });
    const rolling = {
      steps: [
        { action: { type: "restart-target" }, target: "alpha" },
        { action: { type: "restart-target" }, target: "beta" },
      ],
      targets: ["alpha", "beta"],
    };
    // Before the failing hour: nothing fires, and the policy asks nothing.
    expect((await evaluateSloAlerts(stack.db, config, HOUR_START - 1, bus)).events).toEqual([]);
    expect(await budgetPolicyFor(stack.db, rolling, HOUR_START - 1)).toEqual({ required: "none", sentence: null, slos: [] });

    await probe("alpha", HOUR_START, T + 1, 10);
    await rollUpSamples(stack.db, T);
    const pass = await evaluateSloAlerts(stack.db, config, T, bus);
    expect(pass.events.map((e) => [e.rule, e.event])).toEqual([
      ["page-fast", "fire"],
      ["page-slow", "fire"],
      ["ticket", "fire"],
    ]);
    // One incident for the episode: the slow page joins the fast page's.
    const incidents = await stack.db.sql<{ id: number; title: string; targets: string[] }[]>`SELECT id, title, targets FROM incidents`;
    expect(incidents).toEqual([{ id: pass.events[0]!.incidentId, title: "SLO alpha availability: page-fast burn", targets: ["alpha"] }]);
    expect(pass.events[1]!.incidentId).toBe(incidents[0]!.id);
    // Every alert of the page rules is filed under that incident.
    const filed = await stack.db.sql<{ kind: string; incidentId: number | null }[]>`
      SELECT DISTINCT kind, incident_id AS "incidentId" FROM alerts WHERE kind LIKE 'slo-page-%' ORDER BY kind`;
    expect(filed).toEqual([
      { kind: "slo-page-fast", incidentId: incidents[0]!.id },
      { kind: "slo-page-slow", incidentId: incidents[0]!.id },
    ]);
    // The sla_breach learning.
    const learnings = await stack.db.sql<{ heading: string }[]>`SELECT doc->>'heading' AS heading FROM learnings`;
    expect(learnings).toEqual([{ heading: "sla_breach" }]);

    // The next minute: the alert is still up, nothing new is sent.
    await rollUpSamples(stack.db, T + MINUTE_MS);
    expect((await evaluateSloAlerts(stack.db, config, T + MINUTE_MS, bus)).events).toEqual([]);

    // Through the local webhook receiver: the fast-burn page exactly once.
    for (const e of pass.events) for (const id of e.alertIds) await deliverAlert(stack.db, config, id);
    // The slow page and the ticket follow it as updates of the same alert (the channels' cooldown rule).
    const fast = received.filter((m) => m.title?.startsWith("[CRITICAL] alpha slo-page-fast:"));
    expect(fast).toHaveLength(1);
    expect(fast[0]!.title).toContain("100.0× over 1h and 100.0× over 5m");
    expect(received.slice(1).map((m) => /Update to alert #\d+ \(slo-page-(fast|slow)/.test(m.title ?? ""))).toEqual([true, true]);

    // The budget and the burn-down show it; the alerts fire on the status.
    const { status } = await getSlo(stack.db, slo.id, T);
    expect(status.burnRates["1h"]).toBeCloseTo(100, 6);
    expect(status.budget.spentMinutes).toBeCloseTo(6, 6);
    expect(status.burnDown!.at(-1)!.remainingMinutes).toBeCloseTo(37.2, 6);
    expect(status.alerts.filter((a) => a.firing).map((a) => a.rule)).toEqual(["page-fast", "page-slow", "ticket"]);
    expect(status.policyInForce).toBe(true);

    // And the policy now requires a governance approval for a rolling restart of that target, saying why.
    const policy = await budgetPolicyFor(stack.db, rolling, T);
    expect(policy.required).toBe("approval");
    expect(policy.sentence).toBe(
      'SLO "alpha availability" is burning its error budget at a paging rate (37.2 min of 43.2 min left): this rolling restart of alpha needs a governance approval.',
    );
  });

  it("an SLO page for a target whose outage incident is open is filed under the SLO's incident, not the outage's", async () => {
    const outage = await openOutageIncident(stack.db, fleet.targets[1]!, { reason: "connection refused", seenFailingAt: new Date(T) });
    expect(outage).not.toBeNull();
    await createSlo(stack.db, systemContext("test"), {
      name: "beta availability",
      kind: "availability",
      selector: { type: "targets", targets: ["beta"] },
      objectivePercent: 99.9,
      windowDays: 30,
      policy: "none",
    });
    await probe("beta", T + 1, T + 1 + HOUR_MS, 10);
    await rollUpSamples(stack.db, T + HOUR_MS);
    const pass = await evaluateSloAlerts(stack.db, config, T + HOUR_MS, bus);
    const fast = pass.events.find((e) => e.rule === "page-fast" && e.event === "fire");
    expect(fast?.incidentId).not.toBeNull();
    expect(fast!.incidentId).not.toBe(outage);
    const rows = await stack.db.sql<
      { incidentId: number | null }[]
    >`SELECT DISTINCT incident_id AS "incidentId" FROM alerts WHERE id = ANY(${fast!.alertIds}::bigint[])`;
    expect(rows).toEqual([{ incidentId: fast!.incidentId }]);
  });
});
