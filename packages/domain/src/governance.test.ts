import { describe, expect, it } from "vitest";
import {
  applyThresholdChange,
  categoryFor,
  decideAtDeadline,
  decideEarly,
  meetsParticipation,
  meetsThreshold,
  yesNeeded,
  type ProposalState,
  type Threshold,
} from "./governance.ts";

/** A rational-number reference, independent of the implementation: reduced fractions compared by value. */
class Fraction {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: number | bigint, d: number | bigint) {
    let a = BigInt(n);
    let b = BigInt(d);
    if (b < 0n) [a, b] = [-a, -b];
    const g = Fraction.gcd(a < 0n ? -a : a, b);
    this.n = a / g;
    this.d = b / g;
  }
  static gcd(a: bigint, b: bigint): bigint {
    return b === 0n ? (a === 0n ? 1n : a) : Fraction.gcd(b, a % b);
  }
  compare(o: Fraction): -1 | 0 | 1 {
    // Reduced fractions with positive denominators are equal only when both parts are.
    if (this.n === o.n && this.d === o.d) return 0;
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : 1;
  }
}
const REFERENCE: Record<Threshold, (share: Fraction) => boolean> = {
  simple: (s) => s.compare(new Fraction(1, 2)) > 0,
  supermajority: (s) => s.compare(new Fraction(2, 3)) >= 0,
  unanimous: (s) => s.compare(new Fraction(1, 1)) === 0,
};

describe("thresholds against a rational reference", () => {
  it("agree for every (yes, no, abstain, eligible) with eligible ≤ 50", () => {
    let cases = 0;
    for (let eligible = 1; eligible <= 50; eligible++)
      for (let yes = 0; yes <= eligible; yes++)
        for (let no = 0; yes + no <= eligible; no++)
          for (let abstain = 0; yes + no + abstain <= eligible; abstain++)
            for (const t of ["simple", "supermajority", "unanimous"] as const) {
              cases++;
              const expected = REFERENCE[t](new Fraction(yes, eligible));
              if (meetsThreshold(t, yes, eligible) !== expected)
                throw new Error(`${t} yes=${yes} no=${no} abstain=${abstain} eligible=${eligible}: expected ${expected}`);
              const decided = decideAtDeadline({
                threshold: t,
                tally: { yes, no, abstain, eligible },
                reviewsRequired: [],
                reviewsApproved: [],
                reviewsRejected: [],
                participationQuorum: 0,
              });
              if (decided.decided && (decided.outcome === "passed") !== expected) throw new Error(`decision ${t} ${yes}/${eligible}`);
            }
    // Every triple was visited: for eligible e there are C(e + 3, 3) triples with yes + no + abstain ≤ e.
    expect(cases).toBe(3 * triples(50));
  });

  it.each<[string, Threshold, number, number, boolean]>([
    ["2 of 3 passes tactical (supermajority)", "supermajority", 2, 3, true],
    ["2 of 3 fails strategic (unanimous)", "unanimous", 2, 3, false],
    ["1 of 2 fails simple majority", "simple", 1, 2, false],
    ["2 of 3 passes simple majority", "simple", 2, 3, true],
    ["3 of 5 passes simple majority", "simple", 3, 5, true],
    ["3 of 6 fails simple majority", "simple", 3, 6, false],
    ["4 of 6 passes supermajority", "supermajority", 4, 6, true],
    ["6 of 10 fails supermajority", "supermajority", 6, 10, false],
    ["0 of 0 never passes", "simple", 0, 0, false],
  ])("%s", (_name, t, yes, eligible, ok) => {
    expect(meetsThreshold(t, yes, eligible)).toBe(ok);
  });

  it("says how many yes votes are needed", () => {
    expect([1, 2, 3, 4, 5].map((e) => yesNeeded("simple", e))).toEqual([1, 2, 2, 3, 3]);
    expect([1, 2, 3, 4, 5, 6].map((e) => yesNeeded("supermajority", e))).toEqual([1, 2, 2, 3, 4, 4]);
    expect(yesNeeded("unanimous", 3)).toBe(3);
  });

  it("participation quorum is exact", () => {
    expect(meetsParticipation(0, 0, 3)).toBe(true);
    expect(meetsParticipation(0.5, 1, 3)).toBe(false);
    expect(meetsParticipation(0.5, 2, 3)).toBe(true);
    expect(meetsParticipation(2 / 3, 2, 3)).toBe(false); // 0.667 of 3 = 2.001
    expect(meetsParticipation(0.666, 2, 3)).toBe(true);
    expect(meetsParticipation(1, 3, 3)).toBe(true);
  });
});

/** The number of (yes, no, abstain) triples with a sum ≤ e, summed over e = 1..max (closed form). */
function triples(max: number): number {
  let n = 0;
  for (let e = 1; e <= max; e++) n += ((e + 1) * (e + 2) * (e + 3)) / 6;
  return n;
}

describe("when a proposal is decided", () => {
  const base: ProposalState = {
    threshold: "supermajority",
    tally: { yes: 0, no: 0, abstain: 0, eligible: 3 },
    reviewsRequired: ["examiner"],
    reviewsApproved: [],
    reviewsRejected: [],
    participationQuorum: 0,
  };
  const withTally = (yes: number, no: number, abstain = 0, extra: Partial<ProposalState> = {}): ProposalState => ({
    ...base,
    tally: { yes, no, abstain, eligible: 3 },
    ...extra,
  });

  it.each<[string, ProposalState, ReturnType<typeof decideEarly>["decided"], string?]>([
    ["not everyone has voted", withTally(2, 0), false],
    ["everyone voted yes but the examiner has not reviewed", withTally(3, 0), false],
    ["everyone voted and it fails anyway: no need to wait for the review", withTally(1, 2), true, "rejected"],
    ["everyone voted, the examiner approved", withTally(2, 1, 0, { reviewsApproved: ["examiner"] }), true, "passed"],
    ["the examiner rejected: decided at once", withTally(0, 0, 0, { reviewsRejected: ["examiner"] }), true, "rejected"],
  ])("%s", (_name, s, decided, outcome) => {
    const d = decideEarly(s);
    expect(d.decided).toBe(decided);
    if (d.decided) expect(d.outcome).toBe(outcome);
  });

  it("at the deadline a missing approval rejects a passing vote, and low participation expires it", () => {
    expect(decideAtDeadline(withTally(2, 0))).toMatchObject({ outcome: "rejected", reason: expect.stringContaining("examiner approval was not given") });
    expect(decideAtDeadline(withTally(2, 0, 0, { reviewsApproved: ["examiner"] }))).toMatchObject({ outcome: "passed" });
    expect(decideAtDeadline(withTally(1, 0, 0, { participationQuorum: 0.5, reviewsApproved: ["examiner"] }))).toMatchObject({ outcome: "expired" });
    expect(decideAtDeadline({ ...withTally(0, 0), reviewsRequired: [] })).toMatchObject({
      outcome: "rejected",
      reason: "0 yes of 3 eligible; supermajority needs 2",
    });
  });
});

describe("changes", () => {
  const categories = {
    operational: { appliesTo: ["monitoring-threshold", "auto-heal-toggle"] },
    tactical: { appliesTo: ["member-change"] },
    strategic: { appliesTo: ["identity"] },
    emergency: { appliesTo: ["emergency"] },
  };
  it("belong to the category that lists them", () => {
    expect(categoryFor("monitoring-threshold", categories)).toBe("operational");
    expect(categoryFor("member-change", categories)).toBe("tactical");
    expect(categoryFor("unheard-of", categories)).toBeNull();
  });

  const current = {
    cpuPercent: { warning: 70, critical: 90 },
    memoryPercent: { warning: 75, critical: 90 },
    diskPercent: { warning: 80, critical: 95 },
    responseTimeMs: { warning: 5000, critical: 15000 },
  };
  it("a threshold change keeps warning below critical and percentages in range", () => {
    expect(applyThresholdChange(current, { kind: "monitoring-threshold", metric: "memoryPercent", level: "warning", value: 30 })).toMatchObject({
      ok: true,
      value: { memoryPercent: { warning: 30, critical: 90 } },
    });
    expect(applyThresholdChange(current, { kind: "monitoring-threshold", metric: "memoryPercent", level: "warning", value: 95 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("below critical"),
    });
    expect(applyThresholdChange(current, { kind: "monitoring-threshold", metric: "cpuPercent", level: "critical", value: 120 })).toMatchObject({ ok: false });
    expect(applyThresholdChange(current, { kind: "monitoring-threshold", metric: "responseTimeMs", level: "critical", value: 20000 })).toMatchObject({
      ok: true,
    });
  });
});
