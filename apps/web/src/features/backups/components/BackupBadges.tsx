import type { BackupStatus, BackupType } from "@ops/contract";
import { STATUS_LABEL, TYPE_LABEL, VERIFY_LABEL } from "../backups.ts";
import type { VerifyState } from "../backups.ts";

type Size = "sm" | "md" | "lg";

/** Running, succeeded, failed, deleted: the word, coloured. */
export function BackupStatusBadge({ status, testId, size = "md" }: { status: BackupStatus; testId?: string; size?: Size }) {
  return (
    <span className={`badge badge--${size} bk-status bk-status--${status}`} data-status={status} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}

/** Verified ok, verification failed, not verified. */
export function VerifyBadge({ state, testId, title, size = "md" }: { state: VerifyState; testId?: string; title?: string; size?: Size }) {
  return (
    <span className={`badge badge--${size} bk-verify bk-verify--${state}`} data-state={state} data-testid={testId} title={title}>
      {state === "ok" ? "✓ " : state === "failed" ? "✕ " : ""}
      {VERIFY_LABEL[state]}
    </span>
  );
}

export function TypeBadge({ type, testId }: { type: BackupType; testId?: string }) {
  return (
    <span className="tag tag--soft bk-type-tag" data-type={type} data-testid={testId}>
      {TYPE_LABEL[type]}
    </span>
  );
}
