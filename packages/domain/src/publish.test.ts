import { describe, expect, it } from "vitest";
import { ladderWanted, publishPolicy, publishReason, refreshPhase, routineEveryCycles, type ProbeFigures, type PublishPolicy } from "./publish.ts";

const base: ProbeFigures = {
  status: "ok",
  reason: "healthy",
  findings: [],
  since: 1_000,
  version: "2026.9.6",
  ready: true,
  resources: { cpuPercent: 12, memoryPercent: 41, diskPercent: 48 },
  latencyMs: 20,
};
const policy: PublishPolicy = { everyCycles: 4, latencyMoveMs: 50, latencyMoveRatio: 0.5, resourceMovePoints: 5 };
/** A cycle in which `name` is not due its routine refresh. */
const offCycle = (name: string) => (4 - refreshPhase(name, 4) + 1) % 4;
const onCycle = (name: string) => (4 - refreshPhase(name, 4)) % 4;

describe("routineEveryCycles", () => {
  it.each([
    [30_000, 4],
    [20_000, 6],
    [10_000, 12],
    [1_000, 120],
    [120_000, 1],
    [300_000, 1],
  ])("interval %i ms → every %i cycles", (intervalMs, cycles) => {
    expect(routineEveryCycles(intervalMs)).toBe(cycles);
  });
  it("refuses a non-positive interval", () => {
    expect(() => routineEveryCycles(0)).toThrow(RangeError);
  });
});

describe("refreshPhase", () => {
  it("is stable and below the period", () => {
    expect(refreshPhase("t-00001", 4)).toBe(refreshPhase("t-00001", 4));
    for (let i = 0; i < 100; i++) expect(refreshPhase(`t-${i}`, 7)).toBeLessThan(7);
  });
  it("spreads a fleet evenly over the rotation", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[refreshPhase(`t-${String(i).padStart(5, "0")}`, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(2_200);
  });
});

describe("publishReason", () => {
  const name = "t-00042";
  it.each<[string, Partial<ProbeFigures>, ReturnType<typeof publishReason>]>([
    ["nothing moved", {}, null],
    ["latency jitter", { latencyMs: 35 }, null],
    ["latency 20 → 200 ms", { latencyMs: 200 }, "moved"],
    ["status", { status: "warning" }, "changed"],
    ["reason", { reason: "slow" }, "changed"],
    ["findings", { findings: [{ status: "warning", reason: "slow: 900 ms" }] }, "changed"],
    ["since", { since: 2_000 }, "changed"],
    ["version", { version: "2026.9.7" }, "changed"],
    ["readiness", { ready: false }, "changed"],
    ["a resource by 5 points", { resources: { cpuPercent: 17, memoryPercent: 41, diskPercent: 48 } }, "changed"],
    ["a resource by 4 points", { resources: { cpuPercent: 16, memoryPercent: 41, diskPercent: 48 } }, null],
    ["a resource gone", { resources: { memoryPercent: 41, diskPercent: 48 } }, "changed"],
    ["latency gone (no answer)", { latencyMs: null }, "changed"],
    ["latency tripled but under 50 ms", { latencyMs: 60 }, null],
    ["latency 20 → 71", { latencyMs: 71 }, "moved"],
  ])("%s", (_what, change, expected) => {
    expect(publishReason(name, base, { ...base, ...change }, offCycle(name), policy)).toBe(expected);
  });

  it("latency moves count both ways: 400 → 150 ms goes out, 400 → 300 ms waits", () => {
    const prev = { ...base, latencyMs: 400 };
    expect(publishReason(name, prev, { ...base, latencyMs: 150 }, offCycle(name), policy)).toBe("moved");
    expect(publishReason(name, prev, { ...base, latencyMs: 300 }, offCycle(name), policy)).toBeNull();
  });

  it("an unchanged target goes out once every everyCycles cycles, on its own turn", () => {
    const sent = Array.from({ length: 12 }, (_, c) => publishReason(name, base, { ...base, latencyMs: 21 }, c, policy)).filter((r) => r === "routine");
    expect(sent).toHaveLength(3);
    expect(publishReason(name, base, base, onCycle(name), policy)).toBe("routine");
    expect(publishReason(name, base, base, onCycle(name) + 4, policy)).toBe("routine");
  });

  it("a target never stored before is a change; a probe outside the cycle always goes out", () => {
    expect(publishReason(name, null, base, offCycle(name), policy)).toBe("changed");
    expect(publishReason(name, base, base, null, policy)).toBe("direct");
  });

  it("every cycle when everyCycles is 1", () => {
    const p = { ...policy, everyCycles: 1 };
    for (let c = 0; c < 5; c++) expect(publishReason(name, base, base, c, p)).toBe("routine");
  });

  it("publishPolicy derives the period from the interval", () => {
    expect(publishPolicy(30_000).everyCycles).toBe(4);
  });
});

describe("ladderWanted", () => {
  it.each<[string, Parameters<typeof ladderWanted>[0], boolean, boolean]>([
    ["down, unchanged", { status: "down", healing: null }, false, true],
    ["healing waiting, ok", { status: "ok", healing: { state: "waiting" } }, false, true],
    ["healing idle, ok, unchanged", { status: "ok", healing: { state: "idle" } }, false, false],
    ["first sighting ok, never healed", { status: "ok", healing: null }, true, false],
    ["first sighting warning, never healed", { status: "warning", healing: null }, true, false],
    ["first sighting critical, never healed", { status: "critical", healing: null }, true, true],
    ["back to ok after healing", { status: "ok", healing: { state: "idle" } }, true, true],
    ["unknown → down", { status: "down", healing: null }, true, true],
  ])("%s", (_what, target, changed, expected) => {
    expect(ladderWanted(target, changed)).toBe(expected);
  });
});
