import { describe, expect, it } from "vitest";
import { backupId, checksumProblems, cronPeriodMs, isOverdue, retentionPlan, rowCountProblems, typeOfBackupId, type RetentionItem } from "./backups.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-23T06:00:00Z");
const daily = (n: number, verified: (i: number) => boolean | null = () => null): RetentionItem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `b${String(i).padStart(2, "0")}`, finishedAt: NOW - i * DAY - 3_600_000, verified: verified(i) }));

describe("backup ids", () => {
  it("carry the type and the UTC start time", () => {
    expect(backupId("agent-state", Date.parse("2026-11-23T02:03:04Z"), "a1b2")).toBe("agent-state-20261123-020304-a1b2");
    expect(typeOfBackupId("agent-state-20261123-020304-a1b2")).toBe("agent-state");
    expect(typeOfBackupId("../../etc/passwd")).toBeNull();
    expect(typeOfBackupId("database-2026-x")).toBeNull();
  });
});

describe("retention with a controlled clock", () => {
  it.each<[string, RetentionItem[], { retentionDays: number; minBackups: number }, string[]]>([
    ["keeps everything inside the retention", daily(5), { retentionDays: 30, minBackups: 2 }, []],
    ["removes what is older than the retention", daily(10), { retentionDays: 7, minBackups: 2 }, ["b07", "b08", "b09"]],
    ["never goes below the minimum count", daily(10), { retentionDays: 1, minBackups: 7 }, ["b07", "b08", "b09"]],
    [
      "keeps the minimum even when all are old",
      daily(4).map((b) => ({ ...b, finishedAt: b.finishedAt - 100 * DAY })),
      { retentionDays: 30, minBackups: 3 },
      ["b03"],
    ],
    ["an empty set is fine", [], { retentionDays: 7, minBackups: 3 }, []],
  ])("%s", (_name, items, policy, removed) => {
    const plan = retentionPlan(items, policy, NOW);
    expect(plan.remove).toEqual(removed);
    expect(plan.keep.length + plan.remove.length).toBe(items.length);
  });

  it("never deletes the only verified backup", () => {
    const items = daily(10, (i) => (i === 9 ? true : null));
    const plan = retentionPlan(items, { retentionDays: 3, minBackups: 3 }, NOW);
    expect(plan.keep).toEqual(["b00", "b01", "b02", "b09"]);
    expect(plan.remove).toEqual(["b03", "b04", "b05", "b06", "b07", "b08"]);
  });

  it("may delete an old verified backup when a kept one is verified too", () => {
    const items = daily(10, (i) => (i === 1 || i === 9 ? true : null));
    expect(retentionPlan(items, { retentionDays: 3, minBackups: 3 }, NOW).remove).toContain("b09");
  });

  it("a failed verification does not count as verified", () => {
    const items = daily(6, (i) => (i === 5 ? true : i < 2 ? false : null));
    expect(retentionPlan(items, { retentionDays: 1, minBackups: 2 }, NOW).keep).toEqual(["b00", "b01", "b05"]);
  });
});

describe("checks", () => {
  it("overdue after one period and a half", () => {
    expect(isOverdue(NOW - 35 * 3_600_000, DAY, NOW)).toBe(false);
    expect(isOverdue(NOW - 37 * 3_600_000, DAY, NOW)).toBe(true);
    expect(isOverdue(null, DAY, NOW)).toBe(false);
  });

  it("names each file that does not match its manifest", () => {
    const manifest = [
      { name: "a.dump", size: 10, sha256: "aa".repeat(32) },
      { name: "b.tar.gz", size: 5, sha256: "bb".repeat(32) },
      { name: "c", size: 1, sha256: "cc".repeat(32) },
    ];
    expect(
      checksumProblems(manifest, [
        { name: "a.dump", size: 10, sha256: "ab".repeat(32) },
        { name: "b.tar.gz", size: 4, sha256: "bb".repeat(32) },
        { name: "c", missing: true },
      ]),
    ).toEqual([
      `a.dump does not match its checksum (sha256 ${"ab".repeat(6)}…, manifest ${"aa".repeat(6)}…)`,
      "b.tar.gz is 4 bytes, the manifest says 5",
      "c is missing",
    ]);
    expect(checksumProblems(manifest, manifest)).toEqual([]);
  });

  it("compares table row counts", () => {
    expect(rowCountProblems({ a: 1, b: 2 }, { a: 1, b: 2, c: 9 })).toEqual([]);
    expect(rowCountProblems({ a: 1, b: 2 }, { a: 0 })).toEqual(["table a: 0 rows after the restore, 1 when dumped", "table b is missing after the restore"]);
  });
});

describe("cron periods", () => {
  it.each([
    ["0 2 * * *", 86_400_000],
    ["0 */6 * * *", 6 * 3_600_000],
    ["0 5 * * 0", 7 * 86_400_000],
    ["*/5 * * * *", 5 * 60_000],
    ["0 * * * *", 3_600_000],
    ["0 3 1 * *", 31 * 86_400_000],
  ])("%s", (pattern, ms) => {
    expect(cronPeriodMs(pattern)).toBe(ms);
  });
});
