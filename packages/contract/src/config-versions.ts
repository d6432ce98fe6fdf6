/** A target's own config file: GET /api/targets/:name/config, its versions and POST …/config/restore (apps/api/src/modules/config-versions). */
export type ConfigIssue = { path: string; message: string };

export type ConfigValidation = {
  valid: boolean;
  issues: ConfigIssue[];
  /** "valid", "invalid: 2 issues", "does not parse as JSON: …". */
  summary: string;
  /** What judged it: "openclaw config validate --json", "parses as JSON", or the target's configValidate argv. */
  validator: string;
};

export type ConfigVersionKind = "snapshot" | "broken";

export type ConfigVersionSummary = { version: number; kind: ConfigVersionKind; takenAt: string; sha: string };

export type ConfigStatus = {
  target: string;
  path: string;
  exists: boolean;
  currentSha: string | null;
  /** The current file's verdict; null when it is missing. */
  validation: ConfigValidation | null;
  lastGood: { version: number; takenAt: string; sha: string } | null;
  /** The version a restore without one would put back. */
  restoreCandidate: number | null;
  /** Newest first: snapshots (last-known-good) and broken files a restore replaced. */
  versions: ConfigVersionSummary[];
  /** Unified diff from the last good copy to the current file, secrets redacted; null when equal or either is missing. */
  diff: string | null;
};

export type ConfigVersion = ConfigVersionSummary & { target: string; path: string; validation: string | null; content: string };

/** The answer of POST /api/targets/:name/config/restore. */
export type ConfigRestoreAnswer = {
  /** false when the restored file does not validate. */
  ok: boolean;
  note: string;
  restoredVersion: number;
  brokenCopy: string | null;
  restartNeeded: boolean;
  config: ConfigStatus;
};
