import type { BackupTypeStatus, BackupView } from "@ops/contract";

export const NOW = Date.parse("2026-11-23T14:00:00.000Z");
export const at = (ms: number) => new Date(NOW + ms).toISOString();
const HOUR = 3_600_000;

export function typeStatus(patch: Partial<BackupTypeStatus> = {}): BackupTypeStatus {
  return {
    type: "database",
    enabled: true,
    schedule: "0 2 * * *",
    nextRunAt: at(12 * HOUR),
    retentionDays: 30,
    minBackups: 7,
    count: 3,
    totalSize: 3 * 1024 * 1024,
    running: false,
    overdue: false,
    lastSuccess: { id: "database-20261123-020000-a1b2", finishedAt: at(-12 * HOUR), size: 1024 * 1024 },
    lastFailure: null,
    lastVerified: { id: "database-20261123-020000-a1b2", at: at(-12 * HOUR + 60_000), ok: true },
    sizes: [
      { at: at(-60 * HOUR), size: 1000 },
      { at: at(-36 * HOUR), size: 2000 },
      { at: at(-12 * HOUR), size: 1024 * 1024 },
    ],
    ...patch,
  };
}

export function backup(patch: Partial<BackupView> = {}): BackupView {
  return {
    id: "database-20261123-020000-a1b2",
    type: "database",
    status: "succeeded",
    trigger: "schedule",
    path: "/srv/ops/.data/backups/database/database-20261123-020000-a1b2",
    startedAt: at(-12 * HOUR - 4_000),
    finishedAt: at(-12 * HOUR),
    size: 1024 * 1024,
    sha256: "ab".repeat(32),
    error: null,
    verifiedAt: at(-12 * HOUR + 60_000),
    verifyOk: true,
    verifyDetail: "1 file(s), 1048576 bytes: checksums match\nopenclaw_ops: restored into a scratch database, 12 tables with the same row counts",
    manifest: null,
    ...patch,
  };
}
