import { DASH, formatAgo, formatDuration } from "../../lib/format.ts";
import { procedurePath } from "../../lib/routes.ts";
import { BACKUP_STATUSES, BACKUP_TYPES } from "@ops/contract";
import type { BackupsQuery, BackupStatus, BackupType, BackupTypeStatus, BackupView, VerifyResult } from "@ops/contract";

export const PAGE_SIZE = 100;

/** The history's filter (the page size is added when it is asked for). */
export type BackupFilter = Omit<BackupsQuery, "limit">;

export const isBackupType = (v: unknown): v is BackupType => typeof v === "string" && (BACKUP_TYPES as readonly string[]).includes(v);
export const isBackupStatus = (v: unknown): v is BackupStatus => typeof v === "string" && (BACKUP_STATUSES as readonly string[]).includes(v);

// ---------------------------------------------------------------------------------------------------------
// Words

export const TYPE_LABEL: Record<BackupType, string> = {
  database: "Database",
  redis: "Redis",
  workspace: "Workspace",
  "agent-state": "Agent state",
  full: "Full system",
};

export const STATUS_LABEL: Record<BackupStatus, string> = { running: "Running", succeeded: "Succeeded", failed: "Failed", deleted: "Deleted" };

export type VerifyState = "ok" | "failed" | "none";

export const VERIFY_LABEL: Record<VerifyState, string> = { ok: "verified ok", failed: "verification failed", none: "not verified" };

// ---------------------------------------------------------------------------------------------------------
// Sizes and durations

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** "512 B", "1.5 KiB", "12.3 MiB", "1.02 GiB" (binary units, three significant digits). */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return DASH;
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${Math.round(v)} B`;
  const round = (x: number) => Number(x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0));
  // 1023.9 KiB reads as 1 MiB, not 1024 KiB.
  if (round(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${round(v)} ${UNITS[i]}`;
}

/** How long a backup took, or has been running; null when it never finished. */
export function backupDurationMs(b: Pick<BackupView, "status" | "startedAt" | "finishedAt">, now: number): number | null {
  const from = Date.parse(b.startedAt);
  const to = b.finishedAt ? Date.parse(b.finishedAt) : b.status === "running" ? now : NaN;
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return Math.max(0, to - from);
}

/** "<1 s", "12 s", "3 m", "1 h 5 m"; a dash for none. */
export function formatBackupDuration(ms: number | null): string {
  if (ms != null && ms < 1000) return "<1 s";
  return formatDuration(ms);
}

/** "30 days, at least 7 kept". */
export function retentionText(t: Pick<BackupTypeStatus, "retentionDays" | "minBackups">): string {
  return `${t.retentionDays} ${t.retentionDays === 1 ? "day" : "days"}, at least ${t.minBackups} kept`;
}

export function shortSha(sha: string | null | undefined, n = 12): string {
  if (!sha) return DASH;
  return sha.length > n ? `${sha.slice(0, n)}…` : sha;
}

// ---------------------------------------------------------------------------------------------------------
// Schedules: cron (UTC) in words

const DAYS = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"];
const DAY_ABBR = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const pad = (n: number) => String(n).padStart(2, "0");

/** A number in [0, max], or null. */
function int(field: string, max: number): number | null {
  return /^\d{1,2}$/.test(field) && Number(field) <= max ? Number(field) : null;
}

/** `*\/6` → 6. */
function step(field: string): number | null {
  const m = /^\*\/(\d{1,2})$/.exec(field);
  return m ? Number(m[1]) : null;
}

/** "a", "a and b", "a, b and c". */
function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function dayOf(field: string): number | null {
  const n = int(field, 7);
  if (n !== null) return n % 7;
  const i = DAY_ABBR.indexOf(field.toLowerCase());
  return i === -1 ? null : i;
}

/** The day-of-week field in words: "Sundays", "Mondays and Thursdays", "weekdays", "weekends". */
function daysText(field: string): string | null {
  if (/^(1-5|mon-fri)$/i.test(field)) return "weekdays";
  const days = field.split(",").map(dayOf);
  if (days.some((d) => d === null)) return null;
  const set = [...new Set(days as number[])].sort((a, b) => a - b);
  if (set.length === 2 && set[0] === 0 && set[1] === 6) return "weekends";
  return joinWords(set.map((d) => DAYS[d]!));
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${s}`;
}

/**
 * A cron line (UTC) in words for the common shapes: "daily 02:00 UTC", "every 6 h", "Sundays 05:00 UTC",
 * "every 15 min", "hourly", "monthly on the 1st 03:00 UTC". Anything else is given back as it is.
 */
export function scheduleText(cron: string): string {
  const line = cron.trim().replace(/\s+/g, " ");
  const f = line.split(" ");
  if (f.length !== 5) return line || DASH;
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  if (mon !== "*") return line;
  const anyDay = dom === "*" && dow === "*";

  const everyMin = min === "*" ? 1 : step(min);
  if (everyMin !== null) return hour === "*" && anyDay ? (everyMin === 1 ? "every minute" : `every ${everyMin} min`) : line;

  const m = int(min, 59);
  if (m === null) return line;
  const past = m === 0 ? "" : ` at :${pad(m)}`;
  if (anyDay && hour === "*") return `hourly${past}`;
  const everyHour = step(hour);
  if (everyHour !== null) return anyDay ? (everyHour === 1 ? `hourly${past}` : `every ${everyHour} h${past}`) : line;

  const hours = hour.split(",").map((h) => int(h, 23));
  if (hours.some((h) => h === null)) return line;
  const at = `${joinWords((hours as number[]).map((h) => `${pad(h)}:${pad(m)}`))} UTC`;
  if (anyDay) return `daily ${at}`;
  if (dom === "*") {
    const days = daysText(dow);
    return days ? `${days} ${at}` : line;
  }
  const day = int(dom, 31);
  return dow === "*" && day ? `monthly on the ${ordinal(day)} ${at}` : line;
}

// ---------------------------------------------------------------------------------------------------------
// Health: overdue, failing, verification

/** The last attempt failed: a failure newer than the last success (or no success at all). */
export function lastAttemptFailed(t: Pick<BackupTypeStatus, "lastSuccess" | "lastFailure">): boolean {
  if (!t.lastFailure) return false;
  if (!t.lastSuccess) return true;
  return Date.parse(t.lastFailure.at) > Date.parse(t.lastSuccess.finishedAt);
}

export function verifyStateOf(t: Pick<BackupTypeStatus, "lastVerified">): VerifyState {
  if (!t.lastVerified) return "none";
  return t.lastVerified.ok ? "ok" : "failed";
}

export function backupVerifyState(b: Pick<BackupView, "verifiedAt" | "verifyOk">): VerifyState {
  if (b.verifyOk === true) return "ok";
  if (b.verifyOk === false) return "failed";
  return "none";
}

/** Failing: the last attempt failed, or the last verification did (a backup that would not restore). */
export function isFailing(t: Pick<BackupTypeStatus, "lastSuccess" | "lastFailure" | "lastVerified">): boolean {
  return lastAttemptFailed(t) || verifyStateOf(t) === "failed";
}

/** What is wrong with a type, in words; empty when all is well. */
export function typeProblems(t: BackupTypeStatus, now: number): string[] {
  const out: string[] = [];
  if (t.overdue) out.push(`overdue: last success ${formatAgo(t.lastSuccess?.finishedAt, now)}`);
  if (lastAttemptFailed(t)) out.push(`last backup failed${t.lastFailure?.error ? `: ${t.lastFailure.error}` : ""}`);
  if (verifyStateOf(t) === "failed") out.push("last verification failed");
  return out;
}

/** `failing`: the last attempt or the last verification failed (worse than only overdue). */
export type BackupAlert = { type: BackupType; problems: string[]; failing: boolean };

/**
 * "Back up now" was answered at `queuedAt` (ms): the job waits for the worker until the type runs or has a
 * newer success or failure.
 */
export function stillQueued(t: Pick<BackupTypeStatus, "running" | "lastSuccess" | "lastFailure">, queuedAt: number): boolean {
  if (t.running) return false;
  const last = Math.max(t.lastSuccess ? Date.parse(t.lastSuccess.finishedAt) : 0, t.lastFailure ? Date.parse(t.lastFailure.at) : 0);
  return !(last >= queuedAt);
}

/** The board's banner: every enabled type that is overdue, whose last attempt failed or whose last verification did. */
export function backupAlerts(types: readonly BackupTypeStatus[] | undefined, now: number): BackupAlert[] {
  return (types ?? [])
    .filter((t) => t.enabled)
    .map((t) => ({ type: t.type, problems: typeProblems(t, now), failing: isFailing(t) }))
    .filter((a) => a.problems.length > 0);
}

/** The verification to show for one backup: a fresh result when there is one, else what the index recorded. */
export function verifyView(b: BackupView, result?: VerifyResult | null): { state: VerifyState; checks: string[]; problems: string[] } {
  if (result) return { state: result.ok ? "ok" : "failed", checks: result.checks, problems: result.problems };
  const state = backupVerifyState(b);
  const lines = (b.verifyDetail ?? "").split("\n").filter((l) => l.trim() !== "");
  return { state, checks: state === "ok" ? lines : [], problems: state === "failed" ? lines : [] };
}

// ---------------------------------------------------------------------------------------------------------
// Restoring: the Backup restoration runbook

export const RESTORE_RUNBOOK = "backup-restoration";

export const RESTORE_PROCEDURE: Record<BackupType, string> = {
  database: "database",
  redis: "redis",
  workspace: "workspace",
  "agent-state": "agent-state",
  full: "full-system",
};

/** The restoration runbook's form with this backup filled in. */
export function restorePath(type: BackupType, backupId: string): string {
  return procedurePath(RESTORE_RUNBOOK, RESTORE_PROCEDURE[type], `?${new URLSearchParams({ backup: backupId }).toString()}`);
}

// ---------------------------------------------------------------------------------------------------------
// Lists and charts

export function backupsQuery(filter: BackupFilter, limit = PAGE_SIZE): string {
  const q = new URLSearchParams();
  if (filter.type) q.set("type", filter.type);
  if (filter.status) q.set("status", filter.status);
  q.set("limit", String(limit));
  return q.toString();
}

export type SizePoint = { ts: number; size: number };

export function sizePoints(sizes: BackupTypeStatus["sizes"]): SizePoint[] {
  return sizes.map((s) => ({ ts: Date.parse(s.at), size: s.size })).filter((p) => !Number.isNaN(p.ts));
}

/** Rows of all tables of one database in the manifest. */
export function totalRows(counts: Record<string, number>): number {
  return Object.values(counts).reduce((n, c) => n + c, 0);
}
