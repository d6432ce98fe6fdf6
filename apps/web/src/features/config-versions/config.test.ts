import type { ConfigStatus } from "@ops/contract";
import { describe, expect, it } from "vitest";
import { classifyDiff, diffStat, fileVerdict, restorePlan, shortSha } from "./config.ts";

const DIFF = [
  "--- /srv/alpha/openclaw.json (last good, version 3, 2026-11-23T13:00:00.000Z)",
  "+++ /srv/alpha/openclaw.json (current)",
  "@@ -1,4 +1,2 @@",
  " {",
  '-  "gateway": { "port": 8002 },',
  '-  "auth": { "token": "[redacted]" }',
  '+  "gateway": { "port": ',
  "",
].join("\n");

function status(patch: Partial<ConfigStatus> = {}): ConfigStatus {
  return {
    target: "alpha",
    path: "/srv/alpha/openclaw.json",
    exists: true,
    currentSha: "b".repeat(64),
    validation: { valid: true, issues: [], summary: "valid", validator: "openclaw config validate --json" },
    lastGood: { version: 3, takenAt: "2026-11-23T13:00:00.000Z", sha: "a".repeat(64) },
    restoreCandidate: 3,
    versions: [
      { version: 4, kind: "broken", takenAt: "2026-11-23T13:30:00.000Z", sha: "c".repeat(64) },
      { version: 3, kind: "snapshot", takenAt: "2026-11-23T13:00:00.000Z", sha: "a".repeat(64) },
    ],
    diff: DIFF,
    ...patch,
  };
}

describe("classifyDiff", () => {
  it("tells file headers, hunks, additions, removals and context apart", () => {
    expect(classifyDiff(DIFF).map((l) => l.kind)).toEqual(["file", "file", "hunk", "ctx", "del", "del", "add"]);
    expect(classifyDiff(DIFF)[4]?.text).toBe('-  "gateway": { "port": 8002 },');
  });

  it("keeps markup as text and copes with nothing", () => {
    expect(classifyDiff('+  "name": "<script>alert(1)</script>"')).toEqual([{ kind: "add", text: '+  "name": "<script>alert(1)</script>"' }]);
    expect(classifyDiff(null)).toEqual([]);
    expect(classifyDiff("")).toEqual([]);
  });

  it("counts added and removed lines", () => {
    expect(diffStat(classifyDiff(DIFF))).toEqual({ added: 1, removed: 2 });
  });
});

describe("fileVerdict", () => {
  it("says valid with the validator's own words", () => {
    expect(fileVerdict(status())).toEqual({ tone: "ok", text: "valid" });
    expect(fileVerdict(status({ validation: { valid: true, issues: [], summary: "valid; 1 warning(s): bind", validator: "x" } })).text).toBe(
      "valid; 1 warning(s): bind",
    );
  });

  it("counts the issues of an invalid file, or says why", () => {
    const issues = [
      { path: "gateway.port", message: "expected number" },
      { path: "<root>", message: "x" },
    ];
    expect(fileVerdict(status({ validation: { valid: false, issues, summary: "…", validator: "x" } }))).toEqual({ tone: "bad", text: "invalid: 2 issues" });
    expect(fileVerdict(status({ validation: { valid: false, issues: [], summary: "does not parse as JSON", validator: "parses as JSON" } })).text).toBe(
      "invalid: does not parse as JSON",
    );
  });

  it("says a missing file is missing", () => {
    expect(fileVerdict(status({ exists: false, validation: null })).tone).toBe("missing");
    expect(fileVerdict(status({ validation: null })).text).toBe("not validated yet");
  });
});

describe("restorePlan", () => {
  it("names the version a restore puts back", () => {
    expect(restorePlan(status())).toEqual({ version: 3, takenAt: "2026-11-23T13:00:00.000Z", previous: false });
  });

  it("says when the file is the newest good copy and a restore would take the one before", () => {
    const two = [
      { version: 5, kind: "snapshot" as const, takenAt: "2026-11-23T13:40:00.000Z", sha: "b".repeat(64) },
      { version: 3, kind: "snapshot" as const, takenAt: "2026-11-23T13:00:00.000Z", sha: "a".repeat(64) },
    ];
    const c = status({ lastGood: { version: 5, takenAt: "2026-11-23T13:40:00.000Z", sha: "b".repeat(64) }, versions: two, restoreCandidate: 3, diff: null });
    expect(restorePlan(c)).toEqual({ version: 3, takenAt: "2026-11-23T13:00:00.000Z", previous: true });
  });

  it("says why there is nothing to restore", () => {
    expect(restorePlan(status({ restoreCandidate: null, lastGood: null, versions: [] }))).toMatchObject({
      version: null,
      why: expect.stringMatching(/^No last-known-good copy yet/),
    });
    expect(restorePlan(status({ restoreCandidate: null }))).toMatchObject({ version: null, why: "The file is the last good copy already." });
  });

  it("shortens a sha for display", () => {
    expect(shortSha("0123456789abcdef")).toBe("0123456789ab");
    expect(shortSha(null)).toBe("—");
  });
});
