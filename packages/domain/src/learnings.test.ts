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
import { LEARNING_FILES, formatEntry, formatLearningsMarkdown, parseLearningsMarkdown, validateEntry, type LearningDoc } from "./learnings-markdown.ts";
import { PROMOTION_TARGETS, applyFinding, columnsOf, docForFinding, promotedDoc, scrubDoc, type DetectionFinding } from "./learnings.ts";
import { postmortemToOpsDoc, type PostmortemRecord } from "./postmortems.ts";

/** Every entry the domain builds must be one its own import accepts and reads back unchanged. */

const DAY = 86_400_000;
const T0 = Date.parse("2026-10-01T08:00:00Z");

/** Text a person, a probe or an agent could put into a learning that looks like the file's structure. */
const HOSTILE = [
  "## [OPS-20250101-001] planted_entry\n\n**Logged**: 2025-01-01T00:00:00Z\n**Priority**: low\n**Status**: resolved\n**Area**: monitoring\n\n### Summary\nplanted",
  "### Metadata\n- Pattern-Key: planted.pattern\n- Recurrence-Count: 99",
  "---\n**Status**: resolved\r\n## Notes\r### Resolution",
  "```bash\nkubectl get pods\n### never closed",
  "\\### typed\n\\\\---\n~~~\n日本語 🚀 \u2028 \uFEFF # h1",
].join("\n");

function roundTrips(doc: LearningDoc): void {
  expect(validateEntry(doc, doc.type), doc.id).toEqual([]);
  const kind = Object.entries(LEARNING_FILES).find(([, f]) => f.type === doc.type)![0] as keyof typeof LEARNING_FILES;
  const parsed = parseLearningsMarkdown(
    formatLearningsMarkdown(
      kind,
      [doc, doc].map((d, i) => ({ ...d, id: i === 0 ? d.id : `${d.id.slice(0, -3)}999` })),
    ),
    doc.type,
  );
  expect(parsed.issues, doc.id).toEqual([]);
  expect(parsed.entries.map(({ line: _line, ...d }) => d)[0], doc.id).toEqual(doc);
  expect(parsed.entries).toHaveLength(2);
  expect(formatEntry(scrubDoc(parsed.entries[0]!)), doc.id).toBe(formatEntry(doc));
}

const incident = (id: number, at: number): IncidentFact => ({
  id,
  target: "alpha",
  signature: HOSTILE,
  severity: "P1",
  startedAt: at,
  detectedAt: at + 45 * 60_000,
  resolvedAt: at + 5 * 3_600_000,
  title: HOSTILE,
});

function findings(now: number): DetectionFinding[] {
  const incidents = [incident(1, now - 3 * DAY), incident(2, now - 2 * DAY)];
  return [
    ...detectRecurrence(incidents, now),
    ...detectSlowResolution(incidents, now),
    ...detectSlowDetection(incidents),
    ...detectAlertFatigue([{ target: "alpha", kind: HOSTILE, day: "2026-10-01", count: 60 }]),
    ...detectRepeatedRemediation(
      [1, 2, 3].map((n) => ({ key: HOSTILE, label: HOSTILE, id: `restart-${n}`, at: now - n * 3_600_000 })),
      now,
    ),
    ...detectChangeFailureRate(
      [1, 2, 3, 4, 5].map((n) => ({ id: `run-${n}\n${HOSTILE}`, at: now - n * 3_600_000, failed: n < 3 })),
      now,
    ),
    ...detectCapacity([{ target: HOSTILE, at: now - 60_000, cpu: null, memory: 95, disk: 90 }], now),
  ];
}

describe("[LEARNINGS] every entry the domain builds round-trips, hostile text included", () => {
  const all = findings(T0 + 5 * DAY);

  it.each(["incident-recurrence", "mttr-over-target", "mttd-over-target", "alert-fatigue", "repeated-remediation", "change-failure-rate", "capacity"])(
    "a %s finding, a recurrence of it, its successor and its promotions",
    (detector) => {
      const mine = all.filter((f) => f.detector === detector);
      expect(mine.length).toBeGreaterThan(0);
      for (const f of mine) {
        const id = `${f.type}-20261006-001`;
        const doc = docForFinding(id, f, T0 + 5 * DAY);
        roundTrips(doc);
        expect(columnsOf(doc).summary).toBe(f.summary.split("\n")[0]!.trim());
        const more = applyFinding(
          doc,
          { detector: f.detector, occurrences: f.occurrences, facts: f.facts },
          { ...f, occurrences: [...f.occurrences, { id: "again", at: T0 + 5 * DAY }] },
        );
        roundTrips(more!.doc);
        roundTrips(docForFinding(`${f.type}-20261007-002`, f, T0 + 6 * DAY, [id], 3));
        for (const to of PROMOTION_TARGETS) roundTrips(promotedDoc(doc, to, "promotion 7"));
      }
    },
  );

  it("a postmortem's OPS entry, draft and published", () => {
    const pm: PostmortemRecord = {
      title: HOSTILE,
      summary: HOSTILE,
      timeline: [{ at: "2026-10-01T08:00:00.000Z", event: HOSTILE }],
      usersAffected: HOSTILE,
      rootCause: HOSTILE,
      mitigation: HOSTILE,
      prevention: HOSTILE,
      actionItems: [{ id: "a1", text: HOSTILE, owner: HOSTILE, due: null, done: false }],
      metadata: { trigger: "alert", environment: "production", servicesAffected: [HOSTILE], relatedIncidents: [HOSTILE], doraImpact: ["mttr"] },
      opsId: "OPS-20261001-004",
      status: "published",
      impact: { usersAffected: HOSTILE, durationMinutes: 30, errorBudgetPercent: 69.4, sloTarget: 99.9, budgetMinutes: 43.2, severity: "P1" },
      incidentKey: "INC-1",
      createdAt: "2026-10-01T08:05:00.123Z",
      publishedAt: "2026-10-02T08:05:00.000Z",
      publishedBy: "alice",
      postmortemRef: "postmortem 1",
    };
    roundTrips(postmortemToOpsDoc(pm));
    roundTrips(postmortemToOpsDoc({ ...pm, status: "in_review", impact: { ...pm.impact, severity: null } }));
  });
});
