import { describe, expect, it } from "vitest";
import { ApiError, isVersionConflict } from "../../lib/api.ts";
import { upsertListItem } from "../../lib/lists.ts";
import { postmortem, summary } from "./fixtures.test-util.ts";
import {
  actionItemsMarkdown,
  addActionItem,
  addTimelineRow,
  applyDraft,
  budgetShare,
  budgetText,
  draftPatch,
  durationText,
  formatUtc,
  isDirty,
  isMe,
  isoToUtcInput,
  matchesPostmortemFilter,
  metadataMarkdown,
  newerVersionNotice,
  postmortemFromFrame,
  postmortemsQuery,
  previewSections,
  removeAt,
  replaceAt,
  splitList,
  tableCell,
  timelineMarkdown,
  toDraft,
  toggleIn,
  transitionsFrom,
  upsertPostmortem,
  utcInputToIso,
  validateDraft,
} from "./postmortems.ts";
import { frame } from "../../lib/frames.test-util.ts";

describe("UTC times for datetime-local inputs", () => {
  it("converts ISO to an input value and back, in UTC", () => {
    expect(isoToUtcInput("2026-11-23T14:03:00.000Z")).toBe("2026-11-23T14:03");
    expect(isoToUtcInput("2026-11-23T14:03:12.500Z")).toBe("2026-11-23T14:03:12");
    expect(isoToUtcInput("2026-11-23T16:03:00+02:00")).toBe("2026-11-23T14:03");
    expect(isoToUtcInput("nonsense")).toBe("");
    expect(utcInputToIso("2026-11-23T14:03")).toBe("2026-11-23T14:03:00.000Z");
    expect(utcInputToIso("2026-11-23T14:03:12")).toBe("2026-11-23T14:03:12.000Z");
    expect(utcInputToIso("2026-02-30T14:03")).toBeNull();
    expect(utcInputToIso("")).toBeNull();
    expect(utcInputToIso("14:03")).toBeNull();
  });

  it("formats times for people", () => {
    expect(formatUtc("2026-11-23T14:03:00.000Z")).toBe("2026-11-23 14:03 UTC");
    expect(formatUtc("2026-11-23T14:03:09.000Z")).toBe("2026-11-23 14:03:09 UTC");
    expect(formatUtc(null)).toBe("—");
    expect(formatUtc("garbage")).toBe("garbage");
  });
});

describe("the draft", () => {
  it("round-trips a postmortem without changes", () => {
    const pm = postmortem();
    const d = toDraft(pm);
    expect(d.timeline[0]).toEqual({ at: "2026-11-23T14:03", event: "Steward went down" });
    expect(d.services).toBe("steward");
    expect(isDirty(toDraft(pm), d)).toBe(false);
    expect(draftPatch(d, d)).toEqual({});
    expect(applyDraft(pm, d)).toEqual(pm);
  });

  it("sends only what changed", () => {
    const base = toDraft(postmortem());
    expect(draftPatch(base, { ...base, summary: "New summary" })).toEqual({ summary: "New summary" });
    expect(draftPatch(base, { ...base, usersAffected: "everyone" })).toEqual({ impact: { usersAffected: "everyone" } });
    const t = draftPatch(base, { ...base, timeline: replaceAt(base.timeline, 1, { event: "Rolled back" }) });
    expect(t).toEqual({
      timeline: [
        { at: "2026-11-23T14:03:00.000Z", event: "Steward went down" },
        { at: "2026-11-23T14:45:12.000Z", event: "Rolled back" },
      ],
    });
    const m = draftPatch(base, { ...base, services: "steward,  redis, steward", dora: toggleIn(base.dora, "lead_time", true) });
    expect(m).toEqual({
      metadata: {
        trigger: "alert",
        environment: "production",
        servicesAffected: ["steward", "redis"],
        relatedIncidents: [],
        doraImpact: ["mttr", "lead_time"],
      },
    });
  });

  it("does not call a reformatted list a change", () => {
    const base = toDraft(postmortem({ metadata: { ...postmortem().metadata, servicesAffected: ["a", "b"] } }));
    expect(isDirty(base, { ...base, services: "a,b" })).toBe(false);
    expect(isDirty(base, { ...base, services: "b, a" })).toBe(true);
  });

  it("treats an emptied due date as none", () => {
    const base = toDraft(postmortem());
    const items = replaceAt(base.actionItems, 0, { due: null });
    expect(draftPatch(base, { ...base, actionItems: items }).actionItems?.[0]?.due).toBeNull();
  });

  it("says what the changed parts cannot be saved with", () => {
    const d = toDraft(postmortem());
    const check = (next: typeof d) => validateDraft(next, draftPatch(d, next));
    expect(check(d)).toBeNull();
    expect(check({ ...d, title: " " })).toBe("The title is empty.");
    expect(check({ ...d, timeline: replaceAt(d.timeline, 1, { at: "" }) })).toBe("Timeline row 2 needs a date and time (UTC).");
    expect(check({ ...d, timeline: replaceAt(d.timeline, 0, { event: "" }) })).toBeNull();
    expect(check({ ...d, actionItems: addActionItem(d.actionItems) })).toBe("Action item 2 needs a text.");
    // What the user did not touch is the API's business, even if it would not pass here.
    const odd = toDraft(postmortem({ timeline: [{ at: "not a time", event: "x" }] }));
    expect(validateDraft({ ...odd, summary: "new" }, draftPatch(odd, { ...odd, summary: "new" }))).toBeNull();
  });
});

describe("editing the timeline and the action items", () => {
  it("adds a timeline row at the last row's time, or now", () => {
    const rows = toDraft(postmortem()).timeline;
    expect(addTimelineRow(rows, "2026-11-24T10:00:00.000Z").at(-1)).toEqual({ at: "2026-11-23T14:45:12", event: "" });
    expect(addTimelineRow([], "2026-11-24T10:00:00.000Z")).toEqual([{ at: "2026-11-24T10:00", event: "" }]);
    expect(addTimelineRow([{ at: "", event: "x" }], "2026-11-24T10:00:00.000Z")[1]?.at).toBe("2026-11-24T10:00");
  });

  it("replaces and removes rows without touching the others", () => {
    const rows = [{ a: 1 }, { a: 2 }, { a: 3 }];
    expect(replaceAt(rows, 1, { a: 9 })).toEqual([{ a: 1 }, { a: 9 }, { a: 3 }]);
    expect(removeAt(rows, 0)).toEqual([{ a: 2 }, { a: 3 }]);
    expect(rows).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it("gives new action items an unused id", () => {
    const items = addActionItem([{ id: "new-2", text: "x", owner: "", due: null, done: false }]);
    expect(items[1]).toEqual({ id: "new-3", text: "", owner: "", due: null, done: false });
  });

  it("splits comma-separated lists and toggles checkboxes", () => {
    expect(splitList(" a, b,,a , c ")).toEqual(["a", "b", "c"]);
    expect(splitList("")).toEqual([]);
    expect(toggleIn(["a", "b"], "a", false)).toEqual(["b"]);
    expect(toggleIn(["a"], "a", true)).toEqual(["a"]);
  });
});

describe("impact wording", () => {
  it("words the duration", () => {
    expect(durationText(42)).toBe("42 min");
    expect(durationText(72)).toBe("72 min (1 h 12 min)");
    expect(durationText(120)).toBe("120 min (2 h)");
    expect(durationText(null)).toBe("—");
  });

  it("words the share of the error budget, from the API or worked out", () => {
    const impact = postmortem().impact;
    expect(budgetShare(impact)).toBeCloseTo(97.22, 1);
    expect(budgetText(impact)).toBe("97.2 % of the monthly error budget at 99.9 %");
    expect(budgetText({ ...impact, errorBudgetPercent: 12.5 })).toBe("12.5 % of the monthly error budget at 99.9 %");
    expect(budgetText({ ...impact, durationMinutes: 90 })).toBe("208.3 % of the monthly error budget at 99.9 % — budget exceeded");
    expect(budgetText({ ...impact, durationMinutes: null })).toBe("—");
    expect(budgetText({ ...impact, budgetMinutes: 0 })).toBe("—");
  });
});

describe("the preview", () => {
  it("has every section in order", () => {
    expect(previewSections(postmortem()).map((s) => s.title)).toEqual([
      "Summary",
      "Timeline",
      "Impact",
      "Root Cause",
      "Mitigation",
      "Prevention",
      "Action Items",
      "Metadata",
    ]);
  });

  it("renders the timeline as a table with escaped cells", () => {
    expect(timelineMarkdown(postmortem().timeline)).toBe(
      "| Time (UTC) | Event |\n| --- | --- |\n| 2026-11-23 14:03 | Steward went down |\n| 2026-11-23 14:45:12 | Config rolled back |",
    );
    expect(tableCell("a | b\nc")).toBe("a \\| b c");
    expect(timelineMarkdown([])).toBe("_No timeline entries._");
  });

  it("renders action items as a checklist", () => {
    expect(
      actionItemsMarkdown([
        { id: "1", text: "Add a check", owner: "ada", due: "2026-12-01", done: true },
        { id: "2", text: "Two\nlines", owner: "", due: null, done: false },
      ]),
    ).toBe("- [x] Add a check — owner: ada, due 2026-12-01\n- [ ] Two lines");
    expect(actionItemsMarkdown([])).toBe("_No action items._");
  });

  it("renders impact and metadata as lists, and says what is not written", () => {
    const sections = previewSections(postmortem({ rootCause: "  " }));
    expect(sections.find((s) => s.key === "impact")?.markdown).toBe(
      "- Users affected: all steward users\n- Duration: 42 min\n- Error budget: 97.2 % of the monthly error budget at 99.9 %\n- Severity: P2",
    );
    expect(sections.find((s) => s.key === "root-cause")?.markdown).toBe("_Not written yet._");
    expect(metadataMarkdown(postmortem().metadata)).toBe(
      "- Trigger: Alert\n- Environment: Production\n- Services affected: steward\n- Related incidents: —\n- DORA impact: Time to restore (MTTR)",
    );
  });

  it("follows the draft as the user types", () => {
    const pm = postmortem();
    const d = toDraft(pm);
    const view = applyDraft(pm, { ...d, summary: "**Bold** summary", timeline: [...d.timeline, { at: "2026-11-23T15:00", event: "All clear" }] });
    expect(previewSections(view)[0]?.markdown).toBe("**Bold** summary");
    expect(previewSections(view)[1]?.markdown).toContain("| 2026-11-23 15:00 | All clear |");
  });
});

describe("status transitions", () => {
  it("offers what the API allows", () => {
    expect(transitionsFrom("draft")).toEqual(["in_review"]);
    expect(transitionsFrom("in_review")).toEqual(["published", "draft"]);
    expect(transitionsFrom("published")).toEqual([]);
  });
});

describe("conflicts and newer versions", () => {
  it("recognises a version conflict", () => {
    expect(isVersionConflict(new ApiError(409, "CONFLICT", "Grace saved version 4 at 14:03", "version"))).toBe(true);
    expect(isVersionConflict(new ApiError(409, "CONFLICT", "INC-3 already has postmortem 4", "incidentId"))).toBe(false);
    expect(isVersionConflict(new ApiError(422, "RULE", "no root cause"))).toBe(false);
    expect(isVersionConflict(new Error("x"))).toBe(false);
  });

  it("tells who saved a newer version, unless it was me", () => {
    const me = { displayName: "Ada", email: "ada@example.com" };
    expect(newerVersionNotice(3, { version: 4, updatedBy: "Grace" }, me)).toBe("Grace saved version 4");
    expect(newerVersionNotice(3, { version: 4, updatedBy: "ada@example.com" }, me)).toBeNull();
    expect(newerVersionNotice(3, { version: 4, updatedBy: "ADA" }, me)).toBeNull();
    expect(newerVersionNotice(4, { version: 4, updatedBy: "Grace" }, me)).toBeNull();
    expect(newerVersionNotice(3, undefined, me)).toBeNull();
    expect(isMe("", { displayName: "", email: "x@y" })).toBe(false);
  });
});

describe("lists and frames", () => {
  it("builds the query string", () => {
    expect(postmortemsQuery({})).toBe("limit=50");
    expect(postmortemsQuery({ status: "in_review", incident: 12 }, 5)).toBe("status=in_review&incident=12&limit=5");
  });

  it("matches filters", () => {
    expect(matchesPostmortemFilter(summary(1), {})).toBe(true);
    expect(matchesPostmortemFilter(summary(1), { status: "published" })).toBe(false);
    expect(matchesPostmortemFilter(summary(1), { incident: 10 })).toBe(true);
    expect(matchesPostmortemFilter(summary(1), { incident: 11 })).toBe(false);
  });

  it("merges a frame into a newest-first list", () => {
    const list = [summary(5), summary(3)];
    expect(upsertPostmortem(list, summary(4), {}).map((p) => p.id)).toEqual([5, 4, 3]);
    expect(upsertPostmortem(list, summary(3, { title: "New" }), {})[1]?.title).toBe("New");
    expect(upsertPostmortem(list, summary(3, { status: "published" }), { status: "draft" }).map((p) => p.id)).toEqual([5]);
    expect(upsertPostmortem(list, summary(9, { status: "published" }), { status: "draft" })).toEqual(list);
    expect(upsertPostmortem(list, summary(9), {}, 2).map((p) => p.id)).toEqual([9, 5]);
  });

  it("asks for a refetch when it cannot place a new item", () => {
    const list = [{ id: "b" }, { id: "a" }];
    expect(upsertListItem(list, { id: "c" }, true)).toBeNull();
    expect(upsertListItem(list, { id: "c" }, false)).toBe(list);
    expect(upsertListItem(list, { id: "a" }, false)).toEqual([{ id: "b" }]);
  });

  it("reads postmortem.updated frames", () => {
    expect(
      postmortemFromFrame(frame({ type: "postmortem.updated", postmortem: { id: 4, status: "in_review", version: 5, updatedBy: "Grace" } })),
    ).toMatchObject({
      id: 4,
      status: "in_review",
      version: 5,
      updatedBy: "Grace",
    });
    expect(postmortemFromFrame(frame({ type: "run.updated", postmortem: { id: 4 } }))).toBeNull();
  });
});
