import { describe, expect, it } from "vitest";
import { errorSignature, matchCases, normaliseLine, successRate, type Case } from "./doctor.ts";

const badConfig = `2026-11-23T05:40:08.741Z [gateway] loading configuration…
Gateway failed to start: Invalid config at /root/.openclaw/openclaw.json:
<root>: JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 2:1
Run "openclaw doctor --fix" to repair, then retry.`;

const portInUse = `Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:8001 | listen EADDRINUSE: address already in use 127.0.0.1:8001 | EADDRINUSE
Port 8001 is already in use.`;

const cases: Case[] = [
  { id: "CASE-001", title: "config", errorCode: "EX_CONFIG", signature: errorSignature(badConfig), keywords: ["invalid config", "JSON5", "parse failed"], solution: "", actions: [] },
  { id: "CASE-002", title: "port", errorCode: "EADDRINUSE", signature: null, keywords: ["EADDRINUSE", "already in use", "listening"], solution: "", actions: [] },
  { id: "CASE-003", title: "disk", errorCode: "ENOSPC", signature: null, keywords: ["ENOSPC", "no space left"], solution: "", actions: [] },
];

describe("error signatures", () => {
  it("pick the telling line and drop what changes between occurrences", () => {
    expect(errorSignature(badConfig)).toBe("gateway failed to start: invalid config at <path>");
    expect(errorSignature(badConfig.replace("/root/.openclaw", "/home/ops/.openclaw").replace("05:40:08", "06:00:00"))).toBe(errorSignature(badConfig));
    expect(errorSignature("all good\nready")).toBeNull();
  });
  it("normalise times, numbers, ids, quoted values and JSON log lines", () => {
    expect(normaliseLine('2026-11-23T05:40:08.741+00:00 pid 4963 lock a1b2c3d4e5 at "/x"')).toBe("<time> pid <n> lock <id> at <value>");
    expect(normaliseLine('{"_meta":{"logLevelName":"ERROR"},"message":"provider unreachable: 503"}')).toBe("provider unreachable: <n>");
  });
  it("secrets never make it into a signature", () => {
    expect(errorSignature("error calling https://user:pw@llm/v1?api_key=s3cret")).not.toMatch(/pw|s3cret/);
  });
});

describe("matchCases", () => {
  it("an exact signature is confidence 1.0", () => {
    expect(matchCases(badConfig, errorSignature(badConfig), cases)[0]).toEqual({ caseId: "CASE-001", confidence: 1, matched: ["signature"] });
  });
  it("otherwise keyword overlap against the threshold, best first", () => {
    const m = matchCases(portInUse, errorSignature(portInUse), cases);
    expect(m).toEqual([{ caseId: "CASE-002", confidence: 1, matched: ["EADDRINUSE", "already in use", "listening"] }]);
    expect(matchCases("disk: no space left on device", null, cases)).toEqual([{ caseId: "CASE-003", confidence: 0.5, matched: ["no space left"] }].filter((x) => x.confidence >= 0.6));
    expect(matchCases("disk: no space left on device", null, cases, 0.5)[0]).toMatchObject({ caseId: "CASE-003", confidence: 0.5 });
    expect(matchCases("something else entirely", null, cases)).toEqual([]);
  });
  it("success rate", () => {
    expect(successRate(0, 0)).toBeNull();
    expect(successRate(3, 2)).toBe(0.667);
  });
});
