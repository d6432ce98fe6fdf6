import type { SloBody } from "@ops/contract";
import { maintainSamplePartitions } from "@ops/db";
import { HOUR_MS, MINUTE_MS } from "@ops/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemContext, type RequestContext } from "../src/identity/context.ts";
import { rollUpSamples } from "../src/slo/rollups.ts";
import { createSlo, deleteSlo, getSlo, listSlos, updateSlo } from "../src/slo/slos.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack, testFleet } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
const fleet = testFleet("alpha", "beta", "web");
const admin = systemContext("test");
const as = (roles: RequestContext["actor"]["roles"], label = `${roles.join("+") || "nobody"}@test`): RequestContext => ({
  actor: { type: "user", id: label, label, roles, sessionHash: null },
  ip: null,
  userAgent: null,
  requestId: null,
});
/** The controlled clock: the end of the failing hour, just before the next bucket. */
const T = Date.parse("2026-11-20T12:00:00Z") - 1;
const HOUR_START = T + 1 - HOUR_MS;

const availability = (over: Partial<SloBody> = {}): SloBody => ({
  name: "alpha availability",
  kind: "availability",
  selector: { type: "targets", targets: ["alpha"] },
  objectivePercent: 99.9,
  windowDays: 30,
  policy: "approval",
  ...over,
});

/** One probe every 30 s over [from, to): every `failEvery`-th one down, the others ok at `latencyMs`. */
async function probe(target: string, from: number, to: number, failEvery: number | null, latencyMs = 120) {
  const rows: { target: string; checked_at: Date; status: string; latency_ms: number | null }[] = [];
  let i = 0;
  for (let t = from; t < to; t += 30_000, i++) {
    const down = failEvery !== null && i % failEvery === 0;
    rows.push({ target, checked_at: new Date(t), status: down ? "down" : "ok", latency_ms: down ? null : latencyMs });
  }
  for (let k = 0; k < rows.length; k += 1000) await stack.db.sql`INSERT INTO probe_samples ${stack.db.sql(rows.slice(k, k + 1000))}`;
  return rows.length;
}

async function auditActions(id: number): Promise<string[]> {
  const rows = await stack.db.sql<{ action: string }[]>`SELECT action FROM audit_log WHERE target_type = 'slo' AND target_id = ${String(id)} ORDER BY id`;
  return rows.map((r) => r.action);
}

beforeAll(async () => {
  stack = await openTestStack();
  await syncTargets(stack.db, fleet);
  for (const day of [-3, -2, -1, 0]) await maintainSamplePartitions(stack.db.sql, { now: T + day * 86_400_000, daysAhead: 1, retentionDays: 400 });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.db.sql`TRUNCATE probe_samples, sample_rollups, sample_rollups_hourly, rollup_progress, slos CASCADE`;
});

describe("[SLO] rollups", () => {
  it("count valid, good and fast probes per target and 5-minute bucket, and per hour; a second pass changes nothing", async () => {
    await probe("alpha", HOUR_START, T + 1, 10);
    // An unknown probe is not a valid event.
    await stack.db.sql`INSERT INTO probe_samples (target, checked_at, status) VALUES ('alpha', ${new Date(HOUR_START + 1000)}, 'unknown')`;
    await rollUpSamples(stack.db, T);
    const rows = await stack.db.sql`SELECT bucket, valid, good, under100, under250 FROM sample_rollups WHERE target = 'alpha' ORDER BY bucket`;
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.valid === 10 && r.good === 9 && r.under100 === 0 && r.under250 === 9)).toBe(true);
    const hourly = await stack.db.sql`SELECT hour, valid, good, under5000 FROM sample_rollups_hourly WHERE target = 'alpha'`;
    expect(hourly.map((r) => [r.hour.toISOString(), r.valid, r.good, r.under5000])).toEqual([[new Date(HOUR_START).toISOString(), 120, 108, 108]]);
    const again = await rollUpSamples(stack.db, T);
    // The second pass recounts only the buckets since shortly before its mark, to the same numbers.
    expect(again.fiveMinute).toEqual({ from: new Date(T + 1 - 15 * MINUTE_MS), rows: 3 });
    expect(await stack.db.sql`SELECT bucket, valid, good, under100, under250 FROM sample_rollups WHERE target = 'alpha' ORDER BY bucket`).toEqual(rows);
    expect(await stack.db.sql`SELECT valid, good FROM sample_rollups_hourly WHERE target = 'alpha'`).toEqual([{ valid: 120, good: 108 }]);
  });

  it("counts a sample written late into a bucket it already rolled up", async () => {
    await probe("beta", HOUR_START, T + 1, null);
    await rollUpSamples(stack.db, T);
    await stack.db.sql`INSERT INTO probe_samples (target, checked_at, status) VALUES ('beta', ${new Date(T - 2 * MINUTE_MS)}, 'down')`;
    await rollUpSamples(stack.db, T + MINUTE_MS);
    expect(await stack.db.sql`SELECT valid, good FROM sample_rollups_hourly WHERE target = 'beta'`).toEqual([{ valid: 121, good: 120 }]);
  });
});

describe("[SLO] status", () => {
  it("done-when: a target failing 10 % of probes for 1 h burns its 99.9 % budget at 100×, and the budget and burn-down show it", async () => {
    // 3 clean days before the failing hour on alpha (rolled up as the hours pass), then the failing hour.
    await probe("alpha", T + 1 - 3 * 24 * HOUR_MS, HOUR_START, null);
    await rollUpSamples(stack.db, HOUR_START - 1);
    await probe("alpha", HOUR_START, T + 1, 10);
    await rollUpSamples(stack.db, T - 3 * MINUTE_MS);
    const slo = await createSlo(stack.db, admin, availability());
    // The last 3 minutes are only in probe_samples: the live tail.
    const { status } = await getSlo(stack.db, slo.id, T);
    expect(status.targets).toEqual(["alpha"]);
    expect(status.burnRates["5m"]).toBeCloseTo(100, 6);
    expect(status.burnRates["30m"]).toBeCloseTo(100, 6);
    expect(status.burnRates["1h"]).toBeCloseTo(100, 6);
    expect(status.burnRates["6h"]).toBeCloseTo(100 / 6, 6);
    expect(status.burnRates["3d"]).toBeCloseTo(100 / 72, 6);
    expect(status.budget.totalMinutes).toBeCloseTo(43.2, 9);
    expect(status.budget.spentMinutes).toBeCloseTo(6, 6);
    expect(status.budget.remainingMinutes).toBeCloseTo(37.2, 6);
    expect(status.validProbes).toBe(72 * 120);
    expect(status.sli).toBeCloseTo(1 - 12 / (72 * 120), 9);
    const last = status.burnDown!.at(-1)!;
    expect(last.remainingMinutes).toBeCloseTo(37.2, 6);
    const hourBefore = status.burnDown!.find((p) => p.at === new Date(HOUR_START).toISOString())!;
    expect(hourBefore.remainingMinutes).toBeCloseTo(43.2, 9);
    // No alert state yet (the worker steps it): nothing fires, so the policy is not in force.
    expect(status.alerts.map((a) => [a.rule, a.firing])).toEqual([
      ["page-fast", false],
      ["page-slow", false],
      ["ticket", false],
    ]);
    expect(status.policyInForce).toBe(false);
  });

  it("a latency SLO counts the probes answered under its threshold; a group SLO follows the fleet", async () => {
    await probe("alpha", HOUR_START, T + 1, null, 700);
    await probe("web", HOUR_START, T + 1, null, 80);
    await rollUpSamples(stack.db, T);
    const lat = await createSlo(stack.db, admin, availability({ name: "p500", kind: "latency", thresholdMs: 500, selector: { type: "group", group: "all" } }));
    const agents = await createSlo(stack.db, admin, availability({ name: "agents", selector: { type: "group", group: "agents" } }));
    const views = await listSlos(stack.db, T);
    const byName = new Map(views.map((v) => [v.slo.name, v.status]));
    expect(byName.get("p500")?.targets).toEqual(["alpha", "beta", "web"]);
    // alpha's 120 probes are all slower than 500 ms, web's 120 all faster: half the events are bad.
    expect(byName.get("p500")?.sli).toBeCloseTo(0.5, 9);
    expect(byName.get("p500")?.burnRates["1h"]).toBeCloseTo(500, 6);
    expect(byName.get("agents")?.targets).toEqual(["alpha", "beta"]);
    expect(byName.get("agents")?.sli).toBe(1);
    expect(byName.get("p500")?.burnDown).toBeUndefined();
    expect([lat.id, agents.id].every((id) => id > 0)).toBe(true);
  });
});

describe("[SLO] definitions", () => {
  it("governance and admin create, change and delete; everyone else is refused; every change is audited", async () => {
    await expect(createSlo(stack.db, as(["viewer"]), availability())).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createSlo(stack.db, as(["oncall"]), availability())).rejects.toMatchObject({ code: "FORBIDDEN" });
    const gov = as(["governance"]);
    const slo = await createSlo(stack.db, gov, availability());
    expect(slo).toMatchObject({ version: 1, source: "ui", createdBy: "governance@test", thresholdMs: null, policyLiftedUntil: null });
    const changed = await updateSlo(stack.db, gov, slo.id, { objectivePercent: 99.5, version: 1 });
    expect(changed).toMatchObject({ objectivePercent: 99.5, version: 2 });
    await expect(updateSlo(stack.db, gov, slo.id, { objectivePercent: 99, version: 1 })).rejects.toMatchObject({ code: "CONFLICT", field: "version" });
    const lifted = await updateSlo(stack.db, gov, slo.id, { policyLiftedUntil: "2026-11-21T00:00:00Z", version: 2 });
    expect(lifted.policyLiftedUntil).toBe("2026-11-21T00:00:00.000Z");
    await expect(updateSlo(stack.db, as(["oncall"]), slo.id, { policyLiftedUntil: null, version: 3 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await deleteSlo(stack.db, admin, slo.id);
    await expect(getSlo(stack.db, slo.id, T)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await auditActions(slo.id)).toEqual(["slo.create", "slo.update", "slo.policy-lift", "slo.delete"]);
  });

  it("refuses, naming the field: an unknown target, a duplicate name, a latency SLO without its threshold after a change", async () => {
    await expect(createSlo(stack.db, admin, availability({ selector: { type: "targets", targets: ["alpha", "nope"] } }))).rejects.toMatchObject({
      code: "VALIDATION",
      field: "selector.targets",
      message: "selector.targets: no such target: nope",
    });
    const slo = await createSlo(stack.db, admin, availability());
    await expect(createSlo(stack.db, admin, availability())).rejects.toMatchObject({ code: "CONFLICT", field: "name" });
    await expect(updateSlo(stack.db, admin, slo.id, { kind: "latency", version: 1 })).rejects.toMatchObject({ code: "VALIDATION", field: "thresholdMs" });
    await expect(updateSlo(stack.db, admin, 999_999, { version: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await updateSlo(stack.db, admin, slo.id, { kind: "latency", thresholdMs: 250, version: 1 })).toMatchObject({ kind: "latency", thresholdMs: 250 });
  });
});
