import type { SloBody, SloSelector } from "@ops/contract";
import { maintainSamplePartitions } from "@ops/db";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "@ops/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemContext } from "../src/identity/context.ts";
import { isBuilt } from "../src/slo/batch.ts";
import { rollUpSamples, selectorTargets } from "../src/slo/rollups.ts";
import { computeSlos, createSlo, evaluateBuckets, getSlo, getSloRow, listSlos, readSloBuckets, specOf, updateSlo, writeSloStatuses } from "../src/slo/slos.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack, testFleet } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
const fleet = testFleet("alpha", "beta", "web");
const admin = systemContext("test");
const T = Date.parse("2026-11-20T12:00:00Z") - 1;

/** One probe every 30 s over [from, to): every `failEvery`-th one down, the others ok at `latencyMs`. */
async function probe(target: string, from: number, to: number, failEvery: number | null, latencyMs: number) {
  const rows: { target: string; checked_at: Date; status: string; latency_ms: number | null }[] = [];
  let i = 0;
  for (let t = from; t < to; t += 30_000, i++) {
    const down = failEvery !== null && i % failEvery === 0;
    rows.push({ target, checked_at: new Date(t), status: down ? "down" : "ok", latency_ms: down ? null : latencyMs });
  }
  for (let k = 0; k < rows.length; k += 1000) await stack.db.sql`INSERT INTO probe_samples ${stack.db.sql(rows.slice(k, k + 1000))}`;
}

const body = (name: string, selector: SloSelector, over: Partial<SloBody> = {}): SloBody => ({
  name,
  kind: "availability",
  selector,
  objectivePercent: 99.9,
  windowDays: 30,
  policy: "none",
  ...over,
});

/** The status from the per-target rollups (the path every SLO had before its own rollups). */
async function fromTargetRollups(id: number, now: number) {
  const row = await getSloRow(stack.db.sql, id);
  const targets = await selectorTargets(stack.db.sql, row.selector as SloSelector);
  return evaluateBuckets(specOf(row), await readSloBuckets(stack.db.sql, targets, row.windowDays, now), now);
}

type Numbers = { sli: number | null; validProbes: number; budget: { spentMinutes: number }; burnRates: Record<string, number> };
function expectSame(a: Numbers, b: Numbers) {
  expect(a.validProbes).toBe(b.validProbes);
  if (b.sli === null) expect(a.sli).toBeNull();
  else expect(a.sli).toBeCloseTo(b.sli, 12);
  expect(a.budget.spentMinutes).toBeCloseTo(b.budget.spentMinutes, 9);
  for (const w of Object.keys(b.burnRates)) expect(a.burnRates[w], w).toBeCloseTo(b.burnRates[w]!, 9);
}

beforeAll(async () => {
  stack = await openTestStack();
  await syncTargets(stack.db, fleet);
  for (const day of [-4, -3, -2, -1, 0]) await maintainSamplePartitions(stack.db.sql, { now: T + day * DAY_MS, daysAhead: 1, retentionDays: 400 });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.db.sql`TRUNCATE probe_samples, sample_rollups, sample_rollups_hourly, rollup_progress, slos CASCADE`;
});

describe("[SLO] status at scale: each SLO's own rollups and a stored status", () => {
  it("the SLO's own rollups, the batch and the per-target rollups give the same numbers, at aligned and unaligned instants", async () => {
    // alpha: 10 % down in the last hour; beta: 5 % down a day and a half ago and slow (300 ms) for 3 days; web: 800 ms for 7 h.
    await probe("alpha", T + 1 - 4 * DAY_MS, T + 1 - HOUR_MS, null, 120);
    await probe("alpha", T + 1 - HOUR_MS, T + 1, 10, 120);
    await probe("beta", T + 1 - 4 * DAY_MS, T + 1 - 2 * DAY_MS, null, 120);
    await probe("beta", T + 1 - 2 * DAY_MS, T + 1 - DAY_MS, 20, 300);
    await probe("beta", T + 1 - DAY_MS, T + 1, null, 300);
    await probe("web", T + 1 - 7 * HOUR_MS, T + 1, 50, 800);
    const slos = [
      await createSlo(stack.db, admin, body("alpha", { type: "targets", targets: ["alpha"] })),
      await createSlo(stack.db, admin, body("agents", { type: "group", group: "agents" }, { objectivePercent: 99 })),
      await createSlo(
        stack.db,
        admin,
        body("fast", { type: "group", group: "all" }, { kind: "latency", thresholdMs: 500, objectivePercent: 95, windowDays: 7 }),
      ),
      await createSlo(stack.db, admin, body("pair", { type: "targets", targets: ["beta", "web"] }, { kind: "latency", thresholdMs: 250, windowDays: 3 })),
    ];
    // Two passes: the first builds each SLO whole, the second only the recent buckets.
    const first = await rollUpSamples(stack.db, T - 40 * MINUTE_MS);
    expect(first.slos).toMatchObject({ slos: 4, rebuilt: 4 });
    const second = await rollUpSamples(stack.db, T);
    expect(second.slos).toMatchObject({ slos: 4, rebuilt: 0 });
    // Whole days are read from the daily rows: the four days of samples give each SLO some.
    const [days] = await stack.db.sql<{ n: number }[]>`SELECT count(DISTINCT (slo_id, day))::int AS n FROM slo_rollups_daily`;
    expect(days!.n).toBeGreaterThanOrEqual(4 * 4);
    for (const now of [T, T - 2 * HOUR_MS - 7 * MINUTE_MS + 13_000, T - 26 * HOUR_MS + 1]) {
      const batch = await computeSlos(stack.db.sql, await Promise.all(slos.map((s) => getSloRow(stack.db.sql, s.id))), now);
      for (const s of slos) {
        const row = await getSloRow(stack.db.sql, s.id);
        expect(await isBuilt(stack.db.sql, row, await selectorTargets(stack.db.sql, s.selector))).toBe(true);
        const reference = await fromTargetRollups(s.id, now);
        const { status } = await getSlo(stack.db, s.id, now);
        expectSame(status, reference);
        expectSame(batch.get(s.id)!.computed, reference);
      }
    }
    // The numbers are not all zero: the check above compares something.
    const alpha = (await fromTargetRollups(slos[0]!.id, T)).burnRates["1h"];
    expect(alpha).toBeCloseTo(100, 6);
    expect((await fromTargetRollups(slos[2]!.id, T)).budget.spentMinutes).toBeGreaterThan(0);

    // An edited SLO reads the per-target rollups until the next pass rebuilds its own.
    const fast = await getSloRow(stack.db.sql, slos[2]!.id);
    const spentAt500 = (await fromTargetRollups(fast.id, T)).budget.spentMinutes;
    await updateSlo(stack.db, admin, fast.id, { version: fast.version, thresholdMs: 1000 });
    const edited = await getSloRow(stack.db.sql, fast.id);
    const targets = await selectorTargets(stack.db.sql, edited.selector as SloSelector);
    expect(await isBuilt(stack.db.sql, edited, targets)).toBe(false);
    expectSame((await getSlo(stack.db, fast.id, T)).status, await fromTargetRollups(fast.id, T));
    const third = await rollUpSamples(stack.db, T);
    expect(third.slos).toMatchObject({ rebuilt: 1 });
    expect(await isBuilt(stack.db.sql, edited, targets)).toBe(true);
    expectSame((await getSlo(stack.db, fast.id, T)).status, await fromTargetRollups(fast.id, T));
    // web's 800 ms probes are fast under 1000 ms: only the down probes spend now.
    expect((await fromTargetRollups(fast.id, T)).budget.spentMinutes).toBeLessThan(spentAt500);
  });

  it("the list reads the stored status while it is fresh and for the current definition, else computes it", async () => {
    await probe("alpha", T + 1 - 2 * HOUR_MS, T + 1, 10, 120);
    const slo = await createSlo(stack.db, admin, body("alpha", { type: "targets", targets: ["alpha"] }));
    await rollUpSamples(stack.db, T);
    const rows = [await getSloRow(stack.db.sql, slo.id)];
    await writeSloStatuses(stack.db.sql, rows, await computeSlos(stack.db.sql, rows, T), T);

    // A stored status is read as it was computed, with the alerts and policy of now.
    const [stored] = await listSlos(stack.db, T + 30_000);
    expect(stored!.status.computedAt).toBe(new Date(T).toISOString());
    expectSame(stored!.status, await fromTargetRollups(slo.id, T));
    // More errors after it was stored are not seen until the next computation (the minute job's).
    await stack.db.sql`UPDATE slo_status SET status = jsonb_set(status, '{validProbes}', '7') WHERE slo_id = ${slo.id}`;
    expect((await listSlos(stack.db, T + 30_000))[0]!.status.validProbes).toBe(7);

    // Too old: computed now.
    const [old] = await listSlos(stack.db, T + 3 * MINUTE_MS);
    expect(old!.status.computedAt).toBe(new Date(T + 3 * MINUTE_MS).toISOString());
    expect(old!.status.validProbes).not.toBe(7);
    // Edited since: computed now with the new definition.
    await updateSlo(stack.db, admin, slo.id, { version: slo.version, objectivePercent: 99 });
    const [edited] = await listSlos(stack.db, T + 30_000);
    expect(edited!.status.computedAt).toBe(new Date(T + 30_000).toISOString());
    expect(edited!.slo.objectivePercent).toBe(99);
    expect(edited!.status.budget.totalMinutes).toBeCloseTo(432, 6);
  });
});
