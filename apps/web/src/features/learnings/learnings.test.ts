import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { learning } from "./fixtures.test-util.ts";
import {
  categoryLabel,
  EMPTY_NEW_LEARNING,
  evidenceText,
  flattenLearningPages,
  importIssues,
  importIssueText,
  importKindOfFile,
  importResultText,
  isFiltered,
  learningFilterFromSearch,
  learningFromFrame,
  learningsQuery,
  matchesLearningFilter,
  newLearningBody,
  newLearningError,
  nextBefore,
  promotionTarget,
  recurrenceText,
  runbookDraftId,
  seenText,
  learningTitle,
  slugs,
  upsertLearning,
  validateNewLearning,
  withSelected,
  words,
} from "./learnings.ts";
import { CATEGORY_OPTIONS } from "./options.ts";
import { frame } from "../../lib/frames.test-util.ts";

describe("learning filters → query string", () => {
  it("reads the page's URL, dropping unknown values", () => {
    expect(learningFilterFromSearch("?q=disk+full&type=OPS&status=pending&priority=high&area=infra&incident=12")).toEqual({
      q: "disk full",
      type: "OPS",
      status: "pending",
      priority: "high",
      area: "infra",
      incident: 12,
    });
    expect(learningFilterFromSearch("?type=XYZ&status=nope&priority=&incident=abc&q=%20")).toEqual({});
  });

  it("builds the API query with the page size and cursor", () => {
    expect(learningsQuery({})).toBe("limit=50");
    expect(
      learningsQuery({ q: " disk ", type: "LRN", status: "in_progress", priority: "critical", area: "infra", category: "insight", incident: 4 }, "LRN-9", 20),
    ).toBe("q=disk&type=LRN&status=in_progress&priority=critical&area=infra&category=insight&incident=4&limit=20&before=LRN-9");
  });

  it("knows whether a list is filtered", () => {
    expect(isFiltered({})).toBe(false);
    expect(isFiltered({ q: "" })).toBe(false);
    expect(isFiltered({ area: "infra" })).toBe(true);
  });

  it("offers the known values and the selected one", () => {
    expect(withSelected(["monitoring", "automation"], "zeta")).toEqual(["monitoring", "automation", "zeta"]);
    expect(withSelected(["monitoring", "automation"], "automation")).toEqual(["monitoring", "automation"]);
    expect(withSelected(["monitoring"])).toEqual(["monitoring"]);
    expect(words("incident_management")).toBe("incident management");
  });
});

describe("import wording", () => {
  it("counts the result", () => {
    expect(importResultText({ created: ["a", "b", "c"], updated: [], skipped: ["d"] })).toBe("3 created, 1 skipped");
    expect(importResultText({ created: [], updated: ["a"], skipped: [] })).toBe("0 created, 1 updated");
    expect(importResultText({ created: ["a"], updated: [], skipped: [] })).toBe("1 created");
  });

  it("words each problem of a rejected file", () => {
    expect(importIssueText({ line: 12, id: "LRN-20261123-001", message: "missing **Priority**" })).toBe("line 12 (LRN-20261123-001): missing **Priority**");
    expect(importIssueText({ line: 3, id: null, message: "no entries" })).toBe("line 3: no entries");
  });

  it("takes the problems out of a 400", () => {
    const err = new ApiError(400, "VALIDATION", "the file is not valid", "content", undefined, {
      code: "VALIDATION",
      message: "the file is not valid",
      field: "content",
      issues: [
        { line: 12, id: "LRN-1", message: "bad status" },
        { line: "x", message: 5 },
      ],
    });
    expect(importIssues(err)).toEqual([
      { line: 12, id: "LRN-1", message: "bad status" },
      { line: 0, id: null, message: "invalid" },
    ]);
    expect(importIssues(new ApiError(500, "X", "boom"))).toEqual([]);
    expect(importIssues(new Error("x"))).toEqual([]);
  });

  it("guesses the kind from the file name", () => {
    expect(importKindOfFile("LEARNINGS.md")).toBe("learnings");
    expect(importKindOfFile("C:\\x\\OPERATIONS_ISSUES.md")).toBe("operations-issues");
    expect(importKindOfFile("FEATURE_REQUESTS.md")).toBe("feature-requests");
    expect(importKindOfFile("notes.md")).toBeNull();
  });
});

describe("small words", () => {
  it("shows a seen day and a logged timestamp in one form (issue 17, item 5)", () => {
    const now = Date.parse("2026-11-23T12:00:00.000Z");
    expect(seenText("2026-11-20", now)).toBe("20 Nov");
    expect(seenText("2026-11-23", now)).toBe("today");
    expect(seenText("2026-11-20T10:00:00.000Z", now)).toBe("20 Nov");
    expect(seenText(null, now)).toBe("—");
    expect(seenText("2025-01-02T10:00:00.000Z", now)).toBe("2 Jan 2025");
    expect(seenText("2025-01-02", now)).toBe("2 Jan 2025");
  });

  it("names an entry by its title, its category or its heading in words (issue 17, item 5)", () => {
    expect(learningTitle({ type: "OPS", heading: "charlie_down_connection_refused", title: "Charlie down: connection refused" })).toBe(
      "Charlie down: connection refused",
    );
    expect(learningTitle({ type: "OPS", heading: "charlie_down_connection_refused", title: null })).toBe("Charlie down connection refused");
    expect(learningTitle({ type: "LRN", heading: "incident_pattern", title: null })).toBe("Incident pattern");
    expect(learningTitle({ type: "FEAT", heading: "Export to CSV", title: null })).toBe("Export to CSV");
  });

  it("shows recurrence only when it recurred", () => {
    expect(recurrenceText(3)).toBe("×3");
    expect(recurrenceText(1)).toBe("");
  });

  it("slugs section titles uniquely", () => {
    expect(slugs(["Summary", "Suggested Action", "Details", "Summary", "!!"])).toEqual(["summary", "suggested-action", "details", "summary-2", "section"]);
  });

  it("links a promotion to what it became", () => {
    expect(promotionTarget({ id: 3, kind: "runbook-draft", postmortemId: null })).toBe("/promotions/3");
    expect(promotionTarget({ id: 3, kind: "postmortem", postmortemId: 8 })).toBe("/postmortems/8");
    expect(promotionTarget({ id: 3, kind: "postmortem", postmortemId: null })).toBe("/promotions/3");
  });

  it("names the runbook file of a draft and pretty-prints evidence", () => {
    expect(runbookDraftId({ id: "disk-full", title: "x" })).toBe("disk-full");
    expect(runbookDraftId(null)).toBe("<id>");
    expect(evidenceText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(evidenceText("raw")).toBe("raw");
    expect(evidenceText(null)).toBeNull();
  });
});

describe("lists and frames", () => {
  it("matches filters it can check", () => {
    const l = learning("OPS-1", { incidentIds: [4], category: "capacity" });
    expect(matchesLearningFilter(l, {})).toBe(true);
    expect(matchesLearningFilter(l, { type: "OPS", status: "pending", priority: "high", area: "infra", category: "capacity", incident: 4 })).toBe(true);
    expect(matchesLearningFilter(l, { status: "resolved" })).toBe(false);
    expect(matchesLearningFilter(l, { incident: 5 })).toBe(false);
    expect(matchesLearningFilter(l, { area: "docs" })).toBe(false);
  });

  it("replaces or drops a learning in a list, and asks for a refetch for a newcomer", () => {
    const list = [learning("A"), learning("B")];
    expect(upsertLearning(list, learning("B", { heading: "New" }), {})?.[1]?.heading).toBe("New");
    expect(upsertLearning(list, learning("B", { status: "resolved" }), { status: "pending" })?.map((l) => l.id)).toEqual(["A"]);
    expect(upsertLearning(list, learning("C"), {})).toBeNull();
    expect(upsertLearning(list, learning("C", { status: "resolved" }), { status: "pending" })).toBe(list);
  });

  it("pages with a string cursor and flattens without duplicates", () => {
    expect(nextBefore([learning("A"), learning("B")], 2)).toBe("B");
    expect(nextBefore([learning("A")], 2)).toBeUndefined();
    expect(
      flattenLearningPages([
        { learnings: [learning("A"), learning("B")], next: "B" },
        { learnings: [learning("B"), learning("C")], next: undefined },
      ]).map((l) => l.id),
    ).toEqual(["A", "B", "C"]);
  });

  it("reads learning.updated frames", () => {
    expect(learningFromFrame(frame({ type: "learning.updated", learning: { id: "LRN-1", status: "resolved", version: 2 } }))).toMatchObject({
      id: "LRN-1",
      status: "resolved",
      version: 2,
    });
    expect(learningFromFrame(frame({ type: "postmortem.updated", learning: { id: "LRN-1" } }))).toBeNull();
  });
});

describe("the new-entry form", () => {
  const draft = { ...EMPTY_NEW_LEARNING, category: "sla_breach" as const, name: " Disk full on db-1 ", summary: " Paged twice ", details: "  " };

  it("offers the six categories with people's words", () => {
    expect(CATEGORY_OPTIONS).toEqual([
      { value: "process_bottleneck", label: "Process bottleneck" },
      { value: "incident_pattern", label: "Incident pattern" },
      { value: "capacity_issue", label: "Capacity issue" },
      { value: "automation_gap", label: "Automation gap" },
      { value: "sla_breach", label: "SLA breach" },
      { value: "toil_accumulation", label: "Toil accumulation" },
    ]);
    expect(categoryLabel("sla_breach")).toBe("SLA breach");
    expect(categoryLabel("made_up_one")).toBe("made up one");
  });

  it("sends the category as an LRN heading and the name as an OPS or FEAT heading", () => {
    expect(newLearningBody(draft)).toEqual({ type: "LRN", heading: "sla_breach", priority: "medium", area: "incident_management", summary: "Paged twice" });
    expect(newLearningBody({ ...draft, type: "OPS", details: " df -h " })).toEqual({
      type: "OPS",
      heading: "Disk full on db-1",
      priority: "medium",
      area: "incident_management",
      summary: "Paged twice",
      details: "df -h",
    });
    expect(newLearningBody({ ...draft, type: "FEAT" }).heading).toBe("Disk full on db-1");
  });

  it("asks for a category, a name and a summary before sending", () => {
    expect(validateNewLearning(newLearningBody(draft))).toBeNull();
    expect(validateNewLearning(newLearningBody({ ...draft, category: "" }))).toEqual({ field: "heading", message: "Choose a category." });
    expect(validateNewLearning({ ...newLearningBody(draft), heading: "Disk full" })).toEqual({ field: "heading", message: "Choose a category." });
    expect(validateNewLearning(newLearningBody({ ...draft, type: "OPS", name: "  " }))).toEqual({ field: "heading", message: "Give it a name." });
    expect(validateNewLearning(newLearningBody({ ...draft, summary: " " }))).toEqual({ field: "summary", message: "Write a one-line summary." });
  });

  it("shows an API error next to the field it names, any other above the buttons", () => {
    const refused = new ApiError(400, "VALIDATION", "the heading of an LRN entry is its category: one of process_bottleneck, …", "heading");
    expect(newLearningError(refused)).toEqual({ field: "heading", message: "The heading of an LRN entry is its category: one of process_bottleneck, …" });
    expect(newLearningError(new ApiError(400, "VALIDATION", "body summary: too long", "summary"))).toEqual({ field: "summary", message: "Too long" });
    expect(newLearningError(new ApiError(400, "VALIDATION", "body: expected JSON", "body"))).toEqual({ field: null, message: "body: expected JSON" });
    expect(newLearningError(new ApiError(403, "FORBIDDEN", "no", "heading"))).toEqual({ field: null, message: "You don't have permission to log learnings." });
    expect(newLearningError(new Error("boom"))).toEqual({ field: null, message: "boom" });
  });
});
