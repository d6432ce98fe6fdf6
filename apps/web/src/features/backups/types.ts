import type { Manifest as ApiManifest, BackupStatus, BackupType, BackupView, ManifestFile } from "@ops/contract";
import { num, record, str, strings, text } from "../../lib/parse.ts";

// The shapes the API answers with are in @ops/contract (shared with packages/core); the lists below are
// the values the views offer and check against, and must stay within those types.
export type { BackupStatus, BackupType, ManifestFile } from "@ops/contract";

export const BACKUP_TYPES = ["database", "redis", "workspace", "agent-state", "full"] as const satisfies readonly BackupType[];
export const BACKUP_STATUSES = ["running", "succeeded", "failed", "deleted"] as const satisfies readonly BackupStatus[];

export const isBackupType = (v: unknown): v is BackupType => typeof v === "string" && (BACKUP_TYPES as readonly string[]).includes(v);
export const isBackupStatus = (v: unknown): v is BackupStatus => typeof v === "string" && (BACKUP_STATUSES as readonly string[]).includes(v);

/**
 * What a backup holds and how it was made, flattened for the views from the API's `Manifest` (its
 * `manifest.json`, with the per-kind parts under `details`); web-only, because old or partial manifests
 * may lack any part, so everything here has a fallback.
 */
export type Manifest = Pick<ApiManifest, "sources" | "files" | "tools"> &
  Omit<ManifestDetails, "redisKeys"> & {
    size: number | null;
    sha256: string | null;
    redisKeys: number | null;
  };
type ManifestDetails = { [K in keyof ApiManifest["details"]]-?: NonNullable<ApiManifest["details"][K]> };

/** The API's `BackupView`, with the manifest normalized for the views and kept as sent for the raw view. */
export type Backup = Omit<BackupView, "manifest"> & {
  /** Normalized for the views; null while running, for failed backups and for anything unreadable. */
  manifest: Manifest | null;
  /** The manifest as the API sent it, for the raw view. */
  rawManifest: unknown;
};

/** One type's state (`GET /api/backups/status`). */
export type TypeStatus = {
  type: BackupType;
  enabled: boolean;
  /** Cron, UTC. */
  schedule: string;
  nextRunAt: string | null;
  retentionDays: number;
  minBackups: number;
  count: number;
  totalSize: number;
  running: boolean;
  overdue: boolean;
  lastSuccess: { id: string; finishedAt: string; size: number | null } | null;
  lastFailure: { id: string; at: string; error: string | null } | null;
  lastVerified: { id: string; at: string; ok: boolean } | null;
  /** Size of each complete backup, oldest first. */
  sizes: { at: string; size: number }[];
};

export type BackupFilter = { type?: BackupType; status?: BackupStatus };

/** `POST /api/backups/:id/verify`. */
export type VerifyResult = { ok: boolean; problems: string[]; checks: string[]; backup: Backup };

const list = <T>(v: unknown, f: (x: unknown) => T): T[] => (Array.isArray(v) ? v.map(f) : []);

function normalizeFile(raw: unknown): ManifestFile {
  const f = record(raw);
  return { name: text(f.name), size: num(f.size) ?? 0, sha256: text(f.sha256) };
}

function numbers(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record(raw))) if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  return out;
}

export function normalizeManifest(raw: unknown): Manifest | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const m = record(raw);
  const d = record(m.details);
  const tools: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(m.tools))) if (typeof v === "string") tools[k] = v;
  const tables: Record<string, Record<string, number>> = {};
  for (const [db, counts] of Object.entries(record(d.tables))) tables[db] = numbers(counts);
  return {
    sources: strings(m.sources),
    files: list(m.files, normalizeFile).filter((f) => f.name !== ""),
    size: num(m.size),
    sha256: str(m.sha256),
    tools,
    tables,
    databases: list(d.databases, (x) => {
      const r = record(x);
      return { name: text(r.name), file: text(r.file), url: text(r.url) };
    }).filter((x) => x.name !== ""),
    redisKeys: num(d.redisKeys),
    paths: strings(d.paths),
    agents: list(d.agents, (x) => {
      const r = record(x);
      return { name: text(r.name), file: text(r.file), stateDir: text(r.stateDir) };
    }).filter((x) => x.name !== ""),
    skipped: strings(d.skipped),
  };
}

/** The type from an id like `database-20261123-020000-a1b2`, for payloads that leave it out. */
function typeOfId(id: string): BackupType {
  return BACKUP_TYPES.find((t) => id.startsWith(`${t}-`)) ?? "full";
}

/** Fills what a partial payload leaves out, so the views never crash on a missing field. */
export function normalizeBackup(raw: unknown): Backup {
  const b = record(raw);
  const id = text(b.id);
  return {
    id,
    type: isBackupType(b.type) ? b.type : typeOfId(id),
    status: isBackupStatus(b.status) ? b.status : "failed",
    trigger: text(b.trigger),
    path: text(b.path),
    startedAt: str(b.startedAt) ?? new Date(0).toISOString(),
    finishedAt: str(b.finishedAt),
    size: num(b.size),
    sha256: str(b.sha256),
    error: str(b.error),
    verifiedAt: str(b.verifiedAt),
    verifyOk: typeof b.verifyOk === "boolean" ? b.verifyOk : null,
    verifyDetail: str(b.verifyDetail),
    manifest: normalizeManifest(b.manifest),
    rawManifest: b.manifest ?? null,
  };
}

export function normalizeTypeStatus(raw: unknown): TypeStatus | null {
  const t = record(raw);
  if (!isBackupType(t.type)) return null;
  const ok = record(t.lastSuccess);
  const failed = record(t.lastFailure);
  const verified = record(t.lastVerified);
  return {
    type: t.type,
    enabled: t.enabled !== false,
    schedule: text(t.schedule),
    nextRunAt: str(t.nextRunAt),
    retentionDays: num(t.retentionDays) ?? 0,
    minBackups: num(t.minBackups) ?? 0,
    count: num(t.count) ?? 0,
    totalSize: num(t.totalSize) ?? 0,
    running: t.running === true,
    overdue: t.overdue === true,
    lastSuccess: str(ok.id) && str(ok.finishedAt) ? { id: text(ok.id), finishedAt: text(ok.finishedAt), size: num(ok.size) } : null,
    lastFailure: str(failed.id) && str(failed.at) ? { id: text(failed.id), at: text(failed.at), error: str(failed.error) } : null,
    lastVerified: str(verified.id) && str(verified.at) ? { id: text(verified.id), at: text(verified.at), ok: verified.ok === true } : null,
    sizes: list(t.sizes, (x) => {
      const r = record(x);
      return { at: text(r.at), size: num(r.size) ?? 0 };
    }).filter((s) => !Number.isNaN(Date.parse(s.at))),
  };
}

export function normalizeVerifyResult(raw: unknown): VerifyResult {
  const r = record(raw);
  return { ok: r.ok === true, problems: strings(r.problems), checks: strings(r.checks), backup: normalizeBackup(r.backup) };
}
