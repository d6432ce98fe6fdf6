import { describe, expect, it } from "vitest";
import {
  backupAlerts,
  backupDurationMs,
  backupsQuery,
  formatBackupDuration,
  formatSize,
  isFailing,
  lastAttemptFailed,
  restorePath,
  retentionText,
  scheduleText,
  shortSha,
  sizePoints,
  stillQueued,
  typeProblems,
  verifyStateOf,
  verifyView,
} from "./backups.ts";
import { at, backup, NOW, typeStatus } from "./fixtures.test-util.ts";

const HOUR = 3_600_000;

describe("scheduleText", () => {
  it.each([
    ["0 2 * * *", "daily 02:00 UTC"],
    ["30 14 * * *", "daily 14:30 UTC"],
    ["0 2,14 * * *", "daily 02:00 and 14:00 UTC"],
    ["0 */6 * * *", "every 6 h"],
    ["15 */2 * * *", "every 2 h at :15"],
    ["0 */1 * * *", "hourly"],
    ["0 * * * *", "hourly"],
    ["5 * * * *", "hourly at :05"],
    ["*/15 * * * *", "every 15 min"],
    ["* * * * *", "every minute"],
    ["0 5 * * 0", "Sundays 05:00 UTC"],
    ["0 5 * * 7", "Sundays 05:00 UTC"],
    ["0 5 * * SUN", "Sundays 05:00 UTC"],
    ["0 5 * * 1,4", "Mondays and Thursdays 05:00 UTC"],
    ["0 5 * * 1,3,5", "Mondays, Wednesdays and Fridays 05:00 UTC"],
    ["0 9 * * 1-5", "weekdays 09:00 UTC"],
    ["0 9 * * 6,0", "weekends 09:00 UTC"],
    ["0 3 1 * *", "monthly on the 1st 03:00 UTC"],
    ["0 3 22 * *", "monthly on the 22nd 03:00 UTC"],
    ["0 3 11 * *", "monthly on the 11th 03:00 UTC"],
    ["  0   2 * *  * ", "daily 02:00 UTC"],
  ])("%s → %s", (cron, words) => {
    expect(scheduleText(cron)).toBe(words);
  });

  it("gives shapes it does not know back as they are", () => {
    for (const cron of ["0 2 1 1 *", "0 0 2 * * *", "0 2-4 * * *", "*/5 1 * * *", "0 */6 * * 1", "0 2 * * 8", "0 2 1 * 1", "61 2 * * *", "nonsense"]) {
      expect(scheduleText(cron)).toBe(cron);
    }
    expect(scheduleText("")).toBe("—");
  });
});

describe("sizes, durations and words", () => {
  it.each([
    [0, "0 B"],
    [512, "512 B"],
    [1023, "1023 B"],
    [1024, "1 KiB"],
    [1536, "1.5 KiB"],
    [12.34 * 1024 * 1024, "12.3 MiB"],
    [512 * 1024 * 1024, "512 MiB"],
    [1023.9 * 1024, "1 MiB"],
    [1.02 * 1024 ** 3, "1.02 GiB"],
    [3 * 1024 ** 5, "3072 TiB"],
  ])("formatSize(%d) → %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it("shows a dash for a missing or bad size", () => {
    expect(formatSize(null)).toBe("—");
    expect(formatSize(undefined)).toBe("—");
    expect(formatSize(Number.NaN)).toBe("—");
    expect(formatSize(-1)).toBe("—");
  });

  it("measures a backup from start to end, and a running one to now", () => {
    expect(backupDurationMs(backup(), NOW)).toBe(4_000);
    expect(backupDurationMs(backup({ status: "running", startedAt: at(-90_000), finishedAt: null }), NOW)).toBe(90_000);
    expect(backupDurationMs(backup({ status: "failed", finishedAt: null }), NOW)).toBeNull();
    expect(formatBackupDuration(400)).toBe("<1 s");
    expect(formatBackupDuration(4_000)).toBe("4 s");
    expect(formatBackupDuration(3_900_000)).toBe("1 h 5 m");
    expect(formatBackupDuration(null)).toBe("—");
  });

  it("says the retention and shortens checksums", () => {
    expect(retentionText({ retentionDays: 30, minBackups: 7 })).toBe("30 days, at least 7 kept");
    expect(retentionText({ retentionDays: 1, minBackups: 3 })).toBe("1 day, at least 3 kept");
    expect(shortSha("0123456789abcdef")).toBe("0123456789ab…");
    expect(shortSha("abc")).toBe("abc");
    expect(shortSha(null)).toBe("—");
  });
});

describe("health", () => {
  it("counts the last attempt as failed when a failure is newer than the last success", () => {
    expect(lastAttemptFailed(typeStatus())).toBe(false);
    expect(lastAttemptFailed(typeStatus({ lastFailure: { id: "x", at: at(-20 * HOUR), error: "old" } }))).toBe(false);
    expect(lastAttemptFailed(typeStatus({ lastFailure: { id: "x", at: at(-HOUR), error: "pg_dump: connection refused" } }))).toBe(true);
    expect(lastAttemptFailed(typeStatus({ lastSuccess: null, lastFailure: { id: "x", at: at(-HOUR), error: null } }))).toBe(true);
  });

  it("reads the last verification", () => {
    expect(verifyStateOf(typeStatus())).toBe("ok");
    expect(verifyStateOf(typeStatus({ lastVerified: null }))).toBe("none");
    expect(verifyStateOf(typeStatus({ lastVerified: { id: "x", at: at(0), ok: false } }))).toBe("failed");
    expect(isFailing(typeStatus({ lastVerified: { id: "x", at: at(0), ok: false } }))).toBe(true);
    expect(isFailing(typeStatus({ lastVerified: null }))).toBe(false);
  });

  it("says what is wrong in words", () => {
    expect(typeProblems(typeStatus(), NOW)).toEqual([]);
    const bad = typeStatus({
      overdue: true,
      lastSuccess: { id: "a", finishedAt: at(-50 * HOUR), size: 1 },
      lastFailure: { id: "b", at: at(-HOUR), error: "disk full" },
      lastVerified: { id: "a", at: at(-49 * HOUR), ok: false },
    });
    expect(typeProblems(bad, NOW)).toEqual(["overdue: last success 2 d ago", "last backup failed: disk full", "last verification failed"]);
  });

  it("alerts for enabled types that are overdue, failing or failed verification, and for nothing else", () => {
    const types = [
      typeStatus(),
      typeStatus({ type: "redis", overdue: true }),
      typeStatus({ type: "workspace", lastFailure: { id: "w", at: at(-HOUR), error: null } }),
      typeStatus({ type: "agent-state", lastVerified: { id: "a", at: at(0), ok: false } }),
      typeStatus({ type: "full", enabled: false, lastFailure: { id: "f", at: at(-HOUR), error: null } }),
    ];
    expect(backupAlerts(types, NOW).map((a) => `${a.type}: ${a.problems.join("; ")}`)).toEqual([
      "redis: overdue: last success 12 h ago",
      "workspace: last backup failed",
      "agent-state: last verification failed",
    ]);
    expect(backupAlerts(types, NOW).map((a) => a.failing)).toEqual([false, true, true]);
    expect(backupAlerts([typeStatus()], NOW)).toEqual([]);
    expect(backupAlerts(undefined, NOW)).toEqual([]);
  });

  it("keeps a queued backup queued until the type runs or has a newer result", () => {
    const queuedAt = NOW - 5_000;
    expect(stillQueued(typeStatus(), queuedAt)).toBe(true);
    expect(stillQueued(typeStatus({ running: true }), queuedAt)).toBe(false);
    expect(stillQueued(typeStatus({ lastSuccess: { id: "n", finishedAt: at(0), size: 1 } }), queuedAt)).toBe(false);
    expect(stillQueued(typeStatus({ lastFailure: { id: "f", at: at(-1_000), error: null } }), queuedAt)).toBe(false);
    expect(stillQueued(typeStatus({ lastSuccess: null }), queuedAt)).toBe(true);
  });

  it("shows a fresh verification over the recorded one", () => {
    expect(verifyView(backup())).toEqual({
      state: "ok",
      checks: ["1 file(s), 1048576 bytes: checksums match", "openclaw_ops: restored into a scratch database, 12 tables with the same row counts"],
      problems: [],
    });
    expect(verifyView(backup({ verifyOk: false, verifyDetail: "postgres.dump does not match its checksum" }))).toEqual({
      state: "failed",
      checks: [],
      problems: ["postgres.dump does not match its checksum"],
    });
    expect(verifyView(backup({ verifyOk: null, verifiedAt: null, verifyDetail: null })).state).toBe("none");
    expect(verifyView(backup(), { ok: false, problems: ["x is missing"], checks: [] })).toEqual({ state: "failed", checks: [], problems: ["x is missing"] });
  });
});

describe("links, queries and charts", () => {
  it("links to the restoration runbook with the backup filled in", () => {
    expect(restorePath("database", "database-20261123-020000-a1b2")).toBe("/runbooks/backup-restoration/database?backup=database-20261123-020000-a1b2");
    expect(restorePath("full", "full-20261122-050000-zz99")).toBe("/runbooks/backup-restoration/full-system?backup=full-20261122-050000-zz99");
    expect(restorePath("agent-state", "agent-state-20261123-060000-0000")).toBe(
      "/runbooks/backup-restoration/agent-state?backup=agent-state-20261123-060000-0000",
    );
  });

  it("builds the list's query string", () => {
    expect(backupsQuery({})).toBe("limit=100");
    expect(backupsQuery({ type: "redis", status: "failed" }, 20)).toBe("type=redis&status=failed&limit=20");
  });

  it("turns the size trend into chart points", () => {
    expect(
      sizePoints([
        { at: at(0), size: 5 },
        { at: "bad", size: 1 },
      ]),
    ).toEqual([{ ts: NOW, size: 5 }]);
  });
});
