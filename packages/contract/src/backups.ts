/** Backups (`/api/backups`). */

export type BackupType = "database" | "redis" | "workspace" | "agent-state" | "full";
export type BackupStatus = "running" | "succeeded" | "failed" | "deleted";

export type ManifestFile = { name: string; size: number; sha256: string };

/** What a backup holds and how it was made: its `manifest.json`. */
export type Manifest = {
  id: string;
  type: BackupType;
  sources: string[];
  startedAt: string;
  finishedAt: string;
  files: ManifestFile[];
  size: number;
  sha256: string;
  tools: Record<string, string>;
  details: {
    /** Row counts per database and table, taken in the snapshot the dump was made from. */
    tables?: Record<string, Record<string, number>> | undefined;
    databases?: { name: string; file: string; url: string }[] | undefined;
    redisKeys?: number | undefined;
    paths?: string[] | undefined;
    agents?: { name: string; file: string; stateDir: string }[] | undefined;
    skipped?: string[] | undefined;
  };
};

export type BackupView = {
  id: string;
  type: BackupType;
  status: BackupStatus;
  trigger: string;
  path: string;
  startedAt: string;
  finishedAt: string | null;
  size: number | null;
  sha256: string | null;
  error: string | null;
  verifiedAt: string | null;
  verifyOk: boolean | null;
  verifyDetail: string | null;
  /** Null while running and for failed backups. */
  manifest: Manifest | null;
};
