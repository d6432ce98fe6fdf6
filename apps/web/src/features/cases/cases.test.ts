import { describe, expect, it } from "vitest";
import {
  canAddCaseFrom,
  caseFromDiagnosis,
  diagnosisVerdict,
  formatConfidence,
  formatSuccessRate,
  moveItem,
  newAction,
  parseFieldPath,
  parseKeywords,
  suggestKeywords,
  summarizeAction,
  summarizeActions,
} from "./cases.ts";

describe("summarizeActions", () => {
  it("joins the actions with arrows and shows their parameters", () => {
    expect(summarizeActions([{ type: "restore-config" }, { type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }])).toBe(
      "restore config → restart → wait healthy 60 s",
    );
    expect(
      summarizeActions([
        { type: "wait", seconds: 30 },
        { type: "notify", message: " page on-call " },
      ]),
    ).toBe("wait 30 s → notify “page on-call”");
  });

  it("shows a dash for no actions and a bare notify without a message", () => {
    expect(summarizeActions([])).toBe("—");
    expect(summarizeActions(undefined)).toBe("—");
    expect(summarizeAction({ type: "notify", message: "" })).toBe("notify");
  });
});

describe("suggestKeywords", () => {
  it("takes the signature's words longer than 3 letters, lower-cased and unique", () => {
    expect(suggestKeywords("ECONNREFUSED 127.0.0.1:6379 — Redis connection refused, redis down")).toEqual([
      "econnrefused",
      "redis",
      "connection",
      "refused",
      "down",
    ]);
    expect(suggestKeywords("config.json: Unexpected token } in JSON at position 4")).toEqual(["config", "json", "unexpected", "token", "position"]);
  });

  it("returns nothing for a missing signature and caps the list", () => {
    expect(suggestKeywords(null)).toEqual([]);
    expect(suggestKeywords("")).toEqual([]);
    expect(suggestKeywords("alpha bravo charlie delta echoes foxtrot golf hotel india", 3)).toEqual(["alpha", "bravo", "charlie"]);
  });
});

describe("formatConfidence", () => {
  it.each([
    [0.873, "87 %"],
    [1, "100 %"],
    [0, "0 %"],
    [1.4, "100 %"],
    [null, "—"],
    [Number.NaN, "—"],
  ])("%s → %s", (c, text) => {
    expect(formatConfidence(c)).toBe(text);
  });
});

describe("parseKeywords", () => {
  it("splits on commas, trims, drops empties and duplicates", () => {
    expect(parseKeywords(" redis, ECONNREFUSED ,, refused, Redis ,")).toEqual(["redis", "ECONNREFUSED", "refused"]);
    expect(parseKeywords("")).toEqual([]);
    expect(parseKeywords("  ,  ")).toEqual([]);
  });
});

describe("caseFromDiagnosis", () => {
  it("pre-fills signature, suggested keywords, CUSTOM and restart → wait healthy 60 s", () => {
    const draft = caseFromDiagnosis({ signature: "disk quota exceeded" });
    expect(draft).toEqual({
      title: "",
      errorCode: "CUSTOM",
      signature: "disk quota exceeded",
      keywords: ["disk", "quota", "exceeded"],
      solution: "",
      actions: [{ type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
    });
  });

  it("is offered only for diagnoses that did not fix anything", () => {
    expect(canAddCaseFrom({ outcome: "no-match" })).toBe(true);
    expect(canAddCaseFrom({ outcome: "not-fixed" })).toBe(true);
    expect(canAddCaseFrom({ outcome: "fixed" })).toBe(false);
    expect(canAddCaseFrom({ outcome: "running" })).toBe(false);
    expect(canAddCaseFrom({ outcome: "unsure" })).toBe(true);
  });
});

describe("diagnosisVerdict", () => {
  it("says plainly that an unsure doctor did not act, and why", () => {
    const two = [
      { caseId: "CASE-003", confidence: 0.7, matched: ["lock"] },
      { caseId: "CASE-004", confidence: 0.65, matched: ["state"] },
    ];
    expect(diagnosisVerdict({ outcome: "unsure", caseId: null, candidates: two })).toMatch(/^The doctor did not act: 2 cases fit and none clearly enough\./);
    expect(diagnosisVerdict({ outcome: "unsure", caseId: null, candidates: [two[0]!] })).toMatch(
      /^The doctor did not act: the only fitting case matched too weakly/,
    );
    expect(diagnosisVerdict({ outcome: "unsure", caseId: null })).toMatch(/^The doctor did not act/);
  });

  it("names the case for the other outcomes", () => {
    expect(diagnosisVerdict({ outcome: "fixed", caseId: "CASE-001" })).toBe("CASE-001's fix worked: the target is healthy again.");
    expect(diagnosisVerdict({ outcome: "not-fixed", caseId: "CASE-002" })).toMatch(/^CASE-002's fix did not bring it back/);
    expect(diagnosisVerdict({ outcome: "no-match", caseId: null })).toMatch(/^No case in the library fits/);
    expect(diagnosisVerdict({ outcome: "running", caseId: "CASE-001" })).toBe("Applying CASE-001's fix now.");
  });
});

describe("action list editing", () => {
  it("creates actions with default parameters", () => {
    expect(newAction("wait")).toEqual({ type: "wait", seconds: 30 });
    expect(newAction("wait-healthy")).toEqual({ type: "wait-healthy", timeoutSeconds: 60 });
    expect(newAction("notify")).toEqual({ type: "notify", message: "" });
  });

  it("moves items and ignores moves out of range", () => {
    expect(moveItem(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moveItem(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moveItem(["a", "b"], 0, -1)).toEqual(["a", "b"]);
  });
});

describe("parseFieldPath", () => {
  it("maps the API's field paths to form fields and item indexes", () => {
    expect(parseFieldPath("actions.1.seconds")).toEqual({ field: "actions", index: 1, param: "seconds" });
    expect(parseFieldPath("keywords.0")).toEqual({ field: "keywords", index: 0, param: null });
    expect(parseFieldPath("title")).toEqual({ field: "title", index: null, param: null });
    expect(parseFieldPath("body.errorCode")).toEqual({ field: "errorCode", index: null, param: null });
    expect(parseFieldPath("other")).toBeNull();
    expect(parseFieldPath(undefined)).toBeNull();
  });
});

describe("formatSuccessRate", () => {
  it("shows the rate with the counts, a dash before any attempt", () => {
    expect(formatSuccessRate(0.75, 3, 4)).toBe("75 % (3/4)");
    expect(formatSuccessRate(null, 0, 0)).toBe("—");
    expect(formatSuccessRate(80, 4, 5)).toBe("80 % (4/5)");
  });
});
