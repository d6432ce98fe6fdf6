/**
 * Backups (SPEC §6): ids, retention and overdue rules. Pure; the files, tools and clock are the caller's.
 */

import { BACKUP_ID, BACKUP_TYPES, type BackupType } from "@ops/contract";

// The types and the id's form are the API's contract; the rules on them are here.
export { BACKUP_ID, BACKUP_TYPES, type BackupType };
/** The config's key for a type (`agent-state` is `agentState` in backup-config.json). */
export const CONFIG_KEY: Record<BackupType, "database" | "redis" | "workspace" | "agentState" | "full"> = {
  database: "database",
  redis: "redis",
  workspace: "workspace",
  "agent-state": "agentState",
  full: "full",
};

const pad = (n: number) => String(n).padStart(2, "0");

/** `database-20261123-020000-a1b2`: the type, the UTC time it started, and a random suffix. */
export function backupId(type: BackupType, at: number, suffix: string): string {
  const d = new Date(at);
  return `${type}-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${suffix}`;
}

export function typeOfBackupId(id: string): BackupType | null {
  const m = /^(database|redis|workspace|agent-state|full)-/.exec(id);
  return m && BACKUP_ID.test(id) ? (m[1] as BackupType) : null;
}

export type RetentionItem = { id: string; finishedAt: number; verified: boolean | null };
export type RetentionPolicy = { retentionDays: number; minBackups: number };

/**
 * What cleanup deletes: backups older than the retention, but never so many that fewer than `minBackups`
 * remain, and never the only verified backup. The newest are kept first.
 */
export function retentionPlan(items: readonly RetentionItem[], policy: RetentionPolicy, now: number): { keep: string[]; remove: string[] } {
  const sorted = [...items].sort((a, b) => b.finishedAt - a.finishedAt || (a.id < b.id ? 1 : -1));
  const cutoff = now - policy.retentionDays * 86_400_000;
  const keep = new Set<string>();
  sorted.forEach((b, i) => {
    if (i < policy.minBackups || b.finishedAt >= cutoff) keep.add(b.id);
  });
  // The newest verified backup survives if nothing kept is verified: a backup nobody restored is a hope.
  if (!sorted.some((b) => keep.has(b.id) && b.verified === true)) {
    const verified = sorted.find((b) => b.verified === true);
    if (verified) keep.add(verified.id);
  }
  return { keep: sorted.filter((b) => keep.has(b.id)).map((b) => b.id), remove: sorted.filter((b) => !keep.has(b.id)).map((b) => b.id) };
}

/**
 * A type is overdue when its last success is older than one schedule period plus a grace (the period is
 * the gap between the two next cron runs, so "every 6 h" is 6 h and "weekly" is a week).
 */
export function isOverdue(lastSuccessAt: number | null, periodMs: number, now: number, graceRatio = 0.5): boolean {
  if (lastSuccessAt === null) return false;
  return now - lastSuccessAt > periodMs * (1 + graceRatio);
}

export type BackupFile = { name: string; size: number; sha256: string };

/** Files whose checksum or size differs from the manifest, in words. */
export function checksumProblems(expected: readonly BackupFile[], actual: readonly (BackupFile | { name: string; missing: true })[]): string[] {
  const problems: string[] = [];
  for (const e of expected) {
    const a = actual.find((x) => x.name === e.name);
    if (!a || "missing" in a) problems.push(`${e.name} is missing`);
    else if (a.size !== e.size) problems.push(`${e.name} is ${a.size} bytes, the manifest says ${e.size}`);
    else if (a.sha256 !== e.sha256)
      problems.push(`${e.name} does not match its checksum (sha256 ${a.sha256.slice(0, 12)}…, manifest ${e.sha256.slice(0, 12)}…)`);
  }
  return problems;
}

/** Row counts that differ between what was dumped and what a restore holds. */
export function rowCountProblems(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const problems: string[] = [];
  for (const [table, n] of Object.entries(expected)) {
    if (!(table in actual)) problems.push(`table ${table} is missing after the restore`);
    else if (actual[table] !== n) problems.push(`table ${table}: ${actual[table]} rows after the restore, ${n} when dumped`);
  }
  return problems;
}

/**
 * The period of a 5-field cron schedule, for "overdue": every N minutes, every N hours, daily, weekly
 * (a weekday given), monthly (a day of month given). Other shapes count as daily.
 */
export function cronPeriodMs(pattern: string): number {
  const [min, hour, dom, , dow] = pattern.trim().split(/\s+/);
  const every = (field: string | undefined) => /^\*\/(\d+)$/.exec(field ?? "")?.[1];
  const m = every(min);
  if (m && hour === "*") return Number(m) * 60_000;
  const h = every(hour);
  if (h) return Number(h) * 3_600_000;
  if (hour === "*") return 3_600_000;
  if (dow && dow !== "*") return 7 * 86_400_000;
  if (dom && dom !== "*") return 31 * 86_400_000;
  return 86_400_000;
}
