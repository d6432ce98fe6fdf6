import { z } from "zod";

/** Backups (`/api/backups`). */

/** What a backup is of; `full` is all of the others plus the config folder. */
export const BACKUP_TYPES = ["database", "redis", "workspace", "agent-state", "full"] as const;
export const BackupType = z.enum(BACKUP_TYPES);
export type BackupType = z.infer<typeof BackupType>;

export const BACKUP_STATUSES = ["running", "succeeded", "failed", "deleted"] as const;
export const BackupStatus = z.enum(BACKUP_STATUSES);
export type BackupStatus = z.infer<typeof BackupStatus>;

/** A backup id like `database-20261123-020000-a1b2`: the type, the UTC time it started, a random suffix. */
export const BACKUP_ID = /^(database|redis|workspace|agent-state|full)-\d{8}-\d{6}-[a-z0-9]{4}$/;

export const ManifestFile = z.object({ name: z.string(), size: z.number(), sha256: z.string() });
export type ManifestFile = z.infer<typeof ManifestFile>;

/** What a backup holds and how it was made: its `manifest.json`. */
export const Manifest = z.object({
  id: z.string(),
  type: BackupType,
  sources: z.array(z.string()),
  startedAt: z.string(),
  finishedAt: z.string(),
  files: z.array(ManifestFile),
  size: z.number(),
  sha256: z.string(),
  tools: z.record(z.string(), z.string()),
  details: z.object({
    /** Row counts per database and table, taken in the snapshot the dump was made from. */
    tables: z
      .record(z.string(), z.record(z.string(), z.number()))
      .optional()
      .describe("row counts per database and table, taken in the snapshot the dump was made from"),
    databases: z.array(z.object({ name: z.string(), file: z.string(), url: z.string() })).optional(),
    redisKeys: z.number().optional(),
    paths: z.array(z.string()).optional(),
    agents: z.array(z.object({ name: z.string(), file: z.string(), stateDir: z.string() })).optional(),
    skipped: z.array(z.string()).optional(),
  }),
});
export type Manifest = z.infer<typeof Manifest>;

export const BackupView = z
  .object({
    id: z.string(),
    type: BackupType,
    status: BackupStatus,
    trigger: z.string(),
    path: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    size: z.number().nullable(),
    sha256: z.string().nullable(),
    error: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    verifyOk: z.boolean().nullable(),
    verifyDetail: z.string().nullable(),
    /** Null while running and for failed backups. */
    manifest: Manifest.nullable().describe("null while running and for failed backups"),
  })
  .meta({ id: "Backup" });
export type BackupView = z.infer<typeof BackupView>;

/** One type's state (`GET /api/backups/status`). */
export const BackupTypeStatus = z
  .object({
    type: BackupType,
    enabled: z.boolean(),
    /** Cron, UTC. */
    schedule: z.string().describe("cron, UTC"),
    nextRunAt: z.string().nullable(),
    retentionDays: z.number(),
    minBackups: z.number(),
    count: z.number().int(),
    totalSize: z.number(),
    running: z.boolean(),
    overdue: z.boolean(),
    lastSuccess: z.object({ id: z.string(), finishedAt: z.string(), size: z.number().nullable() }).nullable(),
    lastFailure: z.object({ id: z.string(), at: z.string(), error: z.string().nullable() }).nullable(),
    lastVerified: z.object({ id: z.string(), at: z.string(), ok: z.boolean() }).nullable(),
    /** Size of each complete backup, oldest first. */
    sizes: z.array(z.object({ at: z.string(), size: z.number() })).describe("size of each complete backup, oldest first, for a trend"),
  })
  .meta({ id: "BackupTypeStatus" });
export type BackupTypeStatus = z.infer<typeof BackupTypeStatus>;

/** The `:id` of a backup route. */
export const BackupParams = z.object({ id: z.string().regex(BACKUP_ID, "must be a backup id like database-20261123-020000-a1b2") });
export type BackupParams = z.infer<typeof BackupParams>;

/** `GET /api/backups`. */
export const BackupsQuery = z.object({
  type: BackupType.optional(),
  status: BackupStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type BackupsQuery = z.infer<typeof BackupsQuery>;

export const BackupList = z.object({ backups: z.array(BackupView) });
export type BackupList = z.infer<typeof BackupList>;

export const BackupStatusList = z.object({ types: z.array(BackupTypeStatus) });
export type BackupStatusList = z.infer<typeof BackupStatusList>;

export const BackupDetail = z.object({ backup: BackupView });
export type BackupDetail = z.infer<typeof BackupDetail>;

/** `POST /api/backups`: back up now. */
export const BackupNowBody = z.object({ type: BackupType });
export type BackupNowBody = z.infer<typeof BackupNowBody>;

/** `POST /api/backups`: the job is queued (staged in the outbox, handed to a worker when Redis answers). */
export const QueuedBackup = z.object({ queued: z.boolean(), type: BackupType, jobId: z.string() });
export type QueuedBackup = z.infer<typeof QueuedBackup>;

/** What a verification found: `checks` passed, `problems` did not. */
export const VerifyResult = z.object({ ok: z.boolean(), problems: z.array(z.string()), checks: z.array(z.string()) });
export type VerifyResult = z.infer<typeof VerifyResult>;

/** `POST /api/backups/:id/verify`: the result and the backup as it is recorded now. */
export const BackupVerification = VerifyResult.extend({ backup: BackupView });
export type BackupVerification = z.infer<typeof BackupVerification>;
