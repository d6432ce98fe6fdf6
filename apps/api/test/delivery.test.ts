import { recordObservedVersions } from "@ops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

// Issue 16: deployments recorded through the API (and an agent version the probes saw change), one followed by an
// incident on its target, give the DORA numbers and bands worked out by hand below.
let api: Awaited<ReturnType<typeof startApi>>;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

beforeAll(async () => {
  api = await startApi({});
});
afterAll(async () => {
  await api?.close();
});

describe("[DORA] delivery metrics from recorded changes", () => {
  it("records deploys from CI, counts the one an incident followed as failed, and bands the four metrics", async () => {
    const ci = await api.tokenFor(["oncall"]);
    const now = Date.now();
    const deploy = (service: string, commitAgo: number, deployAgo: number, result = "succeeded") =>
      api.call("POST", "/api/deployments", ci.headers, {
        service,
        version: `v-${deployAgo}`,
        commitAt: new Date(now - commitAgo).toISOString(),
        deployedAt: new Date(now - deployAgo).toISOString(),
        result,
      });
    // Lead times 2 h, 30 min and 50 min: median 50 min (elite, < 1 h).
    expect((await deploy("alpha", 3 * DAY + 2 * HOUR, 3 * DAY)).status).toBe(201);
    expect((await deploy("beta", DAY + 30 * MIN, DAY)).status).toBe(201);
    const late = await deploy("alpha", 2 * HOUR + 50 * MIN, 2 * HOUR);
    expect(late.status).toBe(201);
    expect(late.json.deployment).toMatchObject({ service: "alpha", source: "api", result: "succeeded", recordedBy: expect.any(String) });
    // charlie's version changed under the probes: a change without a commit time (no lead time), recorded once.
    const seen = { target: "charlie", from: "2026.11.1", to: "2026.12.0", at: new Date(now - 5 * HOUR) };
    expect(await recordObservedVersions(api.stack.db.sql, [seen, seen])).toBe(1);
    expect(await recordObservedVersions(api.stack.db.sql, [seen])).toBe(0);

    // An incident on alpha two hours after its last deploy, restored at once: that deploy failed.
    const oncall = await api.signIn(["oncall"]);
    const inc = await api.call("POST", "/api/incidents", oncall.headers, { title: "alpha errors after deploy", severity: "P2", targets: ["alpha"] });
    expect(inc.status).toBe(201);
    expect((await api.call("POST", `/api/incidents/${inc.json.incident.id}/resolve`, oncall.headers, { summary: "rolled forward" })).status).toBe(200);

    const viewer = await api.signIn(["viewer"]);
    const r = await api.call("GET", "/api/delivery", viewer.headers);
    expect(r.status).toBe(200);
    const week = r.json.week;
    // 4 changes in 7 days, none failed by itself: 4/7 a day, high (at least one a month, under one a day).
    expect(week.deploymentFrequency).toMatchObject({ count: 4, band: "high" });
    expect(week.deploymentFrequency.perDay).toBeCloseTo(4 / 7, 6);
    expect(week.leadTime).toMatchObject({ medianMs: 50 * MIN, count: 3, band: "elite" });
    // 1 of 4 failed (the late alpha deploy, followed by the incident within 24 h): 25 %, high (≤ 30 %).
    expect(week.changeFailureRate).toMatchObject({ failed: 1, total: 4, rate: 0.25, band: "high", failedIds: [`deployment-${late.json.deployment.id}`] });
    expect(week.timeToRestore.count).toBe(1);
    expect(week.timeToRestore.medianMs).toBeLessThan(HOUR);
    expect(week.timeToRestore.band).toBe("elite");
    expect(r.json.days30.deploymentFrequency.count).toBe(4);
    expect(r.json.weeks).toHaveLength(8);
    expect(r.json.weeks.at(-1).changeFailureRate.total).toBe(4);

    const listed = await api.call("GET", "/api/deployments?service=charlie", viewer.headers);
    expect(listed.json.deployments).toEqual([expect.objectContaining({ service: "charlie", version: "2026.12.0", source: "probe", commitAt: null })]);
  });

  it("refuses a viewer (403), a body in the wrong order (400 naming the field), and audits a recorded deploy", async () => {
    const viewer = await api.signIn(["viewer"]);
    const body = { service: "api", version: "1.2.3", commitAt: "2026-12-01T10:00:00Z", deployedAt: "2026-12-01T11:00:00Z", result: "succeeded" };
    expect((await api.call("POST", "/api/deployments", viewer.headers, body)).status).toBe(403);
    const ci = await api.tokenFor(["oncall"]);
    const wrong = await api.call("POST", "/api/deployments", ci.headers, { ...body, commitAt: "2026-12-01T12:00:00Z" });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ code: "VALIDATION", field: "commitAt" });
    const extra = await api.call("POST", "/api/deployments", ci.headers, { ...body, result: "maybe" });
    expect(extra.json).toMatchObject({ code: "VALIDATION", field: "result" });
    const ok = await api.call("POST", "/api/deployments", ci.headers, body);
    expect(ok.status).toBe(201);
    const [audit] = await api.stack.db.sql<
      { action: string }[]
    >`SELECT action FROM audit_log WHERE target_type = 'deployment' AND target_id = ${String(ok.json.deployment.id)}`;
    expect(audit?.action).toBe("deployment.record");
  });
});
