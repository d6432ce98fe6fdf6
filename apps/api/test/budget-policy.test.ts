import { evaluateSloAlerts, rollUpSamples } from "@ops/core";
import { insertProbeSamples } from "@ops/core/test";
import { maintainSamplePartitions } from "@ops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

// Issue 16: the error-budget policy acts on runbook runs. alpha fails 10 % of its probes for the last hour, so its
// 99.9 % SLO pages (100× burn); a rolling restart of the agents then needs a governance approval, and with the
// policy set to "confirm", an extra confirmation the preview asks for.
let api: Awaited<ReturnType<typeof startApi>>;
const HOUR = 3_600_000;

beforeAll(async () => {
  api = await startApi({});
});
afterAll(async () => {
  await api?.close();
});

describe("[SLO][POLICY] the error-budget policy on runbook runs", () => {
  it("asks for a governance approval (refusing the run), then for an extra confirmation, and says why in the preview", async () => {
    const now = Date.now();
    for (const day of [-1, 0]) await maintainSamplePartitions(api.stack.db.sql, { now: now + day * 86_400_000, daysAhead: 1, retentionDays: 400 });
    await insertProbeSamples(api.stack.db.sql, "alpha", now - 6 * HOUR, now - HOUR, null);
    await insertProbeSamples(api.stack.db.sql, "alpha", now - HOUR, now, 10);
    const governance = await api.signIn(["governance"]);
    const created = await api.call("POST", "/api/slos", governance.headers, {
      name: "alpha availability",
      kind: "availability",
      selector: { type: "targets", targets: ["alpha"] },
      objectivePercent: 99.9,
      windowDays: 30,
      policy: "approval",
    });
    expect(created.status).toBe(201);
    await rollUpSamples(api.stack.db, now);
    const pass = await evaluateSloAlerts(api.stack.db, api.config, now, { publish: async () => true });
    expect(pass.events.some((e) => e.rule === "page-fast" && e.event === "fire")).toBe(true);

    const oncall = await api.signIn(["oncall"]);
    const rolling = { runbook: "agent-restart", procedure: "rolling", params: {}, confirm: true };
    const preview = await api.call("POST", "/api/runs", oncall.headers, { ...rolling, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.json.budget.required).toBe("approval");
    expect(preview.json.budget.sentence).toContain("alpha availability");
    const refused = await api.call("POST", "/api/runs", oncall.headers, rolling);
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ code: "RULE_VIOLATION", field: "budget" });
    expect(refused.json.message).toContain("governance");

    // A run that does not touch alpha's budget is not held back.
    const other = await api.call("POST", "/api/runs", oncall.headers, {
      runbook: "agent-restart",
      procedure: "single",
      params: { agent: "beta" },
      dryRun: true,
    });
    expect(other.json.budget).toEqual({ required: "none", sentence: null });

    // Governance turns the policy into an extra confirmation.
    const slo = created.json.slo;
    const patched = await api.call("PATCH", `/api/slos/${slo.id}`, governance.headers, { version: slo.version, policy: "confirm" });
    expect(patched.status).toBe(200);
    expect((await api.call("POST", "/api/runs", oncall.headers, { ...rolling, dryRun: true })).json.budget.required).toBe("confirm");
    const unconfirmed = await api.call("POST", "/api/runs", oncall.headers, rolling);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.json).toMatchObject({ code: "VALIDATION", field: "budgetConfirmed" });
    const started = await api.call("POST", "/api/runs", oncall.headers, { ...rolling, budgetConfirmed: true });
    expect(started.status).toBe(201);
  });
});
