import { describe, expect, it } from "vitest";
import {
  detectAlertFatigue,
  detectCapacity,
  detectChangeFailureRate,
  detectRecurrence,
  detectRepeatedRemediation,
  detectSlowDetection,
  detectSlowResolution,
  type IncidentFact,
} from "./detection.ts";
import { applyFinding, columnsOf, docForFinding, learningId, nextSequence, priorityForRecurrence, promotedDoc } from "./learnings.ts";
import { field, formatEntry, metadata, parseLearningsMarkdown } from "./learnings-markdown.ts";
import {
  budgetShare,
  canTransitionPostmortem,
  computeImpact,
  errorBudgetMinutes,
  postmortemToOpsDoc,
  publishProblems,
  type PostmortemContent,
} from "./postmortems.ts";

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.parse("2026-10-01T08:00:00Z");
const inc = (id: number, startedAt: number, extra: Partial<IncidentFact> = {}): IncidentFact => ({
  id,
  target: "alpha",
  signature: "connection refused",
  severity: "P3",
  startedAt,
  detectedAt: startedAt + MIN,
  resolvedAt: startedAt + 10 * MIN,
  title: "alpha down",
  ...extra,
});

describe("incident recurrence", () => {
  it.each<[string, IncidentFact[], number, number[]]>([
    ["one incident", [inc(1, T0)], T0 + DAY, []],
    ["two a week apart", [inc(1, T0), inc(2, T0 + 7 * DAY)], T0 + 7 * DAY, [2]],
    ["two 31 days apart", [inc(1, T0), inc(2, T0 + 31 * DAY)], T0 + 31 * DAY, []],
    ["exactly 30 days apart", [inc(1, T0), inc(2, T0 + 30 * DAY)], T0 + 30 * DAY, [2]],
    ["different signatures", [inc(1, T0), inc(2, T0 + DAY, { signature: "http <n>" })], T0 + DAY, []],
    ["different targets", [inc(1, T0), inc(2, T0 + DAY, { target: "beta" })], T0 + DAY, []],
    ["manual incidents (no target)", [inc(1, T0, { target: null }), inc(2, T0 + DAY, { target: null })], T0 + DAY, []],
    ["three", [inc(1, T0), inc(2, T0 + DAY), inc(3, T0 + 2 * DAY)], T0 + 2 * DAY, [3]],
    ["one in the future of the clock", [inc(1, T0), inc(2, T0 + 5 * DAY)], T0 + DAY, []],
  ])("%s", (_name, incidents, now, counts) => {
    expect(detectRecurrence(incidents, now).map((f) => f.occurrences.length)).toEqual(counts);
  });

  it("names the pattern by target and signature and takes the worst severity", () => {
    const [f] = detectRecurrence([inc(1, T0), inc(2, T0 + DAY, { severity: "P1" })], T0 + DAY);
    expect(f).toMatchObject({ patternKey: "incident_pattern.alpha.connection_refused", type: "OPS", severity: "P1", priority: "critical", service: "alpha" });
  });
});

describe("MTTR and MTTD", () => {
  it.each<[string, IncidentFact, boolean]>([
    ["P1 resolved in 3 h", inc(1, T0, { severity: "P1", resolvedAt: T0 + 3 * 3_600_000 }), false],
    ["P1 resolved in 5 h", inc(1, T0, { severity: "P1", resolvedAt: T0 + 5 * 3_600_000 }), true],
    ["P2 resolved in 8 h exactly", inc(1, T0, { severity: "P2", resolvedAt: T0 + 8 * 3_600_000 }), false],
    ["P3 open for 25 h", inc(1, T0, { severity: "P3", resolvedAt: null }), true],
    ["P4 never has a target", inc(1, T0, { severity: "P4", resolvedAt: T0 + 100 * 3_600_000 }), false],
  ])("%s", (_name, i, breach) => {
    expect(detectSlowResolution([i], T0 + 25 * 3_600_000).length).toBe(breach ? 1 : 0);
  });

  it("flags detection later than 30 minutes", () => {
    expect(detectSlowDetection([inc(1, T0, { detectedAt: T0 + 30 * MIN })])).toEqual([]);
    expect(detectSlowDetection([inc(1, T0, { detectedAt: T0 + 31 * MIN })])[0]?.occurrences).toEqual([{ id: "INC-1", at: T0 }]);
  });
});

describe("alert fatigue, toil, change failure rate, capacity", () => {
  it("more than 50 alerts a day from one monitor", () => {
    expect(detectAlertFatigue([{ target: "beta", kind: "down", day: "2026-10-01", count: 50 }])).toEqual([]);
    const [f] = detectAlertFatigue([
      { target: "beta", kind: "down", day: "2026-10-01", count: 51 },
      { target: "beta", kind: "down", day: "2026-10-02", count: 80 },
    ]);
    expect(f).toMatchObject({ patternKey: "monitoring.alert_fatigue.beta.down", area: "monitoring", type: "LRN" });
    expect(f!.occurrences.map((o) => o.id)).toEqual(["beta/down/2026-10-01", "beta/down/2026-10-02"]);
  });

  it("the same remediation three times in a month", () => {
    const r = (id: string, at: number) => ({ key: "restart.alpha", label: "Restart of alpha", id, at });
    expect(detectRepeatedRemediation([r("a", T0), r("b", T0 + DAY)], T0 + 2 * DAY)).toEqual([]);
    expect(detectRepeatedRemediation([r("a", T0), r("b", T0 + DAY), r("c", T0 + 2 * DAY)], T0 + 2 * DAY)).toHaveLength(1);
    expect(detectRepeatedRemediation([r("a", T0 - 40 * DAY), r("b", T0 + DAY), r("c", T0 + 2 * DAY)], T0 + 2 * DAY)).toEqual([]);
  });

  it.each([
    [20, 3, false],
    [20, 4, true],
    [4, 4, false],
    [100, 15, false],
    [100, 16, true],
  ])("%i changes, %i failed → over 15 %%: %s", (total, failed, flagged) => {
    const changes = Array.from({ length: total }, (_, i) => ({ id: `run-${i}`, at: T0 - i * 1000, failed: i < failed }));
    expect(detectChangeFailureRate(changes, T0).length).toBe(flagged ? 1 : 0);
  });

  it("CPU over 85 % for 15 minutes, memory over 90 %, disk over 85 %", () => {
    const now = T0;
    const series = (cpu: number[], memory = 50, disk = 50) =>
      cpu.map((c, i) => ({ target: "alpha", at: now - (cpu.length - 1 - i) * 5 * MIN, cpu: c, memory, disk }));
    expect(detectCapacity(series([90, 90, 90, 90]), now).map((f) => f.patternKey)).toEqual(["capacity_issue.alpha.cpu"]);
    expect(detectCapacity(series([90, 90, 80, 90]), now)).toEqual([]);
    expect(detectCapacity(series([90, 90]), now)).toEqual([]); // only 5 minutes of it
    expect(detectCapacity(series([10, 10], 91), now).map((f) => f.patternKey)).toEqual(["capacity_issue.alpha.memory"]);
    expect(detectCapacity(series([10, 10], 90, 86), now).map((f) => f.patternKey)).toEqual(["capacity_issue.alpha.disk"]);
    expect(detectCapacity([{ target: "alpha", at: now - 60 * MIN, cpu: 99, memory: 99, disk: 99 }], now)).toEqual([]); // stale
  });
});

describe("recurrence bookkeeping", () => {
  const finding = detectRecurrence([inc(1, T0), inc(2, T0 + 7 * DAY)], T0 + 7 * DAY)[0]!;

  it("ids are TYPE-YYYYMMDD-XXX, sequential per day", () => {
    expect(learningId("OPS", T0, 1)).toBe("OPS-20261001-001");
    expect(nextSequence([])).toBe(1);
    expect(nextSequence(["LRN-20261001-001", "LRN-20261001-007"])).toBe(8);
    expect(() => learningId("LRN", T0, 1000)).toThrow();
  });

  it("a new entry carries the pattern, the count and the days, and is valid .learnings markdown", () => {
    const doc = docForFinding("OPS-20261008-001", finding, T0 + 7 * DAY);
    const cols = columnsOf(doc);
    expect(cols).toMatchObject({
      patternKey: "incident_pattern.alpha.connection_refused",
      recurrenceCount: 2,
      firstSeen: "2026-10-01",
      lastSeen: "2026-10-08",
      status: "pending",
    });
    const round = parseLearningsMarkdown(formatEntry(doc), "OPS");
    expect(round.issues).toEqual([]);
    expect(round.entries[0]).toMatchObject({ id: doc.id, heading: doc.heading });
  });

  it("applying the same finding again changes nothing; a new occurrence counts once and bumps priority at 3", () => {
    const doc = docForFinding("OPS-20261008-001", finding, T0 + 7 * DAY);
    const evidence = { detector: finding.detector, occurrences: finding.occurrences, facts: {} };
    expect(applyFinding(doc, evidence, finding)).toBeNull();
    const third = detectRecurrence([inc(1, T0), inc(2, T0 + 7 * DAY), inc(3, T0 + 9 * DAY)], T0 + 9 * DAY)[0]!;
    const next = applyFinding(doc, evidence, third)!;
    expect(columnsOf(next.doc)).toMatchObject({ recurrenceCount: 3, lastSeen: "2026-10-10", priority: "high" });
    expect(applyFinding(next.doc, next.evidence, third)).toBeNull();
  });

  it("an imported entry with a count but no evidence keeps counting from it", () => {
    const doc = docForFinding("OPS-20261008-001", finding, T0);
    const next = applyFinding(doc, null, finding)!;
    expect(columnsOf(next.doc).recurrenceCount).toBe(4);
  });

  it.each([
    ["low", 1, "low"],
    ["low", 3, "high"],
    ["critical", 5, "critical"],
    ["medium", 2, "medium"],
  ] as const)("priority %s at count %i is %s", (p, n, out) => {
    expect(priorityForRecurrence(p, n)).toBe(out);
  });

  it("promotion sets the status and says what it became", () => {
    const doc = promotedDoc(docForFinding("OPS-20261008-001", finding, T0), "runbook", "promotion 4");
    expect(field(doc, "Status")).toBe("promoted");
    expect(field(doc, "Promoted")).toBe("runbook (promotion 4)");
    expect(metadata(doc).find((m) => m.key === "Skill")?.value).toBe("operations");
  });
});

describe("postmortems", () => {
  it("error budget: 99.9 % over 30 days is 43.2 minutes; shares to one decimal", () => {
    expect(errorBudgetMinutes(99.9, 30)).toBe(43.2);
    expect(errorBudgetMinutes(99.99, 30)).toBe(4.32);
    expect(errorBudgetMinutes(99, 7)).toBe(100.8);
    expect(budgetShare(42, 43.2)).toBe(97.2);
    expect(budgetShare(86.4, 43.2)).toBe(200);
    expect(budgetShare(0, 43.2)).toBe(0);
  });

  it("impact from the incident: duration and budget share, none while unresolved", () => {
    const slo = { availabilityTarget: 99.9, windowDays: 30 };
    expect(computeImpact({ startedAt: T0, resolvedAt: T0 + 21.6 * MIN, severity: "P2" }, slo, "all")).toEqual({
      usersAffected: "all",
      durationMinutes: 21.6,
      errorBudgetPercent: 50,
      sloTarget: 99.9,
      budgetMinutes: 43.2,
      severity: "P2",
    });
    expect(computeImpact({ startedAt: T0, resolvedAt: null, severity: "P3" }, slo, "")).toMatchObject({ durationMinutes: null, errorBudgetPercent: null });
  });

  it.each([
    ["draft", "in_review", true],
    ["draft", "published", false],
    ["in_review", "published", true],
    ["in_review", "draft", true],
    ["published", "draft", false],
    ["published", "in_review", false],
  ] as const)("%s → %s: %s", (from, to, ok) => {
    expect(canTransitionPostmortem(from, to)).toBe(ok);
  });

  const content: PostmortemContent = {
    title: "alpha down: connection refused",
    summary: "alpha refused connections.",
    timeline: [{ at: "2026-10-01T08:00:00.000Z", event: "alpha is down | really" }],
    usersAffected: "everyone",
    rootCause: "A stale lock file.",
    mitigation: "Removed it.",
    prevention: "A doctor case.",
    actionItems: [{ id: "1", text: "Write the case", owner: "ops", due: "2026-10-10", done: true }],
    metadata: { trigger: "alert", environment: "production", servicesAffected: ["alpha"], relatedIncidents: ["INC-3"], doraImpact: ["mttr"] },
  };

  it("needs summary, root cause, mitigation, prevention, a timeline and owned action items to publish", () => {
    expect(publishProblems(content)).toEqual([]);
    expect(publishProblems({ ...content, rootCause: " ", actionItems: [{ id: "1", text: "x", owner: "", due: null, done: false }] })).toEqual([
      "root cause is empty",
      "action item 1 (x) has no owner",
    ]);
  });

  it("exports as a valid OPS entry with the table escaped and the resolution when published", () => {
    const doc = postmortemToOpsDoc({
      ...content,
      opsId: "OPS-20261001-002",
      status: "published",
      impact: computeImpact({ startedAt: T0, resolvedAt: T0 + 21.6 * MIN, severity: "P2" }, { availabilityTarget: 99.9, windowDays: 30 }, "everyone"),
      incidentKey: "INC-7",
      createdAt: "2026-10-01T09:00:00.000Z",
      publishedAt: "2026-10-02T09:00:00.000Z",
      publishedBy: "ops@example.com",
      postmortemRef: "postmortem 5",
    });
    const text = formatEntry(doc);
    const parsed = parseLearningsMarkdown(text, "OPS");
    expect(parsed.issues).toEqual([]);
    expect(text).toContain("## [OPS-20261001-002] alpha_down_connection_refused");
    expect(text).toContain("**Severity**: P2");
    expect(text).toContain("| 2026-10-01 08:00 | alpha is down \\| really |");
    expect(text).toContain("- SLO Impact: consumed 50% of the monthly error budget (99.9% SLO, 43.2 min)");
    expect(text).toContain("- [x] Write the case (ops, 2026-10-10)");
    expect(text).toContain("- Related Incidents: INC-7, INC-3");
    expect(text).toContain("- **Notes**: Published by [redacted:email]");
  });
});
