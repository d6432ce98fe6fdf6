import { lazy, Suspense, useState } from "react";
import type { BackupTypeStatus } from "@ops/contract";
import { TimeAgo } from "../../../ui/QueryState.tsx";
import { Link } from "../../../lib/router.tsx";
import { backupPath } from "../../../lib/routes.ts";
import { serverNow } from "../../../lib/clock.ts";
import { formatTimestamp, formatUntil } from "../../../lib/format.ts";
import { ActionError } from "../../../ui/Fields.tsx";
import { formatSize, lastAttemptFailed, restorePath, retentionText, scheduleText, sizePoints, stillQueued, TYPE_LABEL, verifyStateOf } from "../backups.ts";
import { useBackupNow } from "../queries.ts";
import { VerifyBadge } from "./BackupBadges.tsx";

// Recharts is the heaviest dependency: loaded when the first trend is drawn.
const SizeChart = lazy(() => import("./SizeChart.tsx"));

function SizeTrend({ t, now }: { t: BackupTypeStatus; now: number }) {
  const points = sizePoints(t.sizes);
  if (points.length < 2) {
    return <p className="bk-trend-empty muted">{points.length === 0 ? "No complete backup yet." : "One backup so far: the trend starts with the next."}</p>;
  }
  return (
    <Suspense fallback={<div className="bk-trend-empty muted">Loading chart…</div>}>
      <SizeChart points={points} now={now} testId={`backup-trend-${t.type}`} />
    </Suspense>
  );
}

function BackupNow({ t }: { t: BackupTypeStatus }) {
  const start = useBackupNow();
  // The server's clock, as the status's times are.
  const [queuedAt, setQueuedAt] = useState<number | null>(null);
  const queued = queuedAt !== null && stillQueued(t, queuedAt);
  return (
    <>
      <button
        type="button"
        className="btn btn--md"
        disabled={start.isPending || t.running}
        title={t.running ? "A backup of this type is running" : undefined}
        onClick={() => start.mutate(t.type, { onSuccess: () => setQueuedAt(serverNow()) })}
        data-testid={`backup-now-${t.type}`}
      >
        {start.isPending ? "Queuing…" : "Back up now"}
      </button>
      {queued && (
        <span className="bk-queued" role="status" data-testid={`backup-queued-${t.type}`}>
          queued{start.data?.jobId ? ` (job ${start.data.jobId})` : ""}
        </span>
      )}
      <ActionError mutation={start} action="start a backup" testId={`backup-now-${t.type}-error`} />
    </>
  );
}

/** One type: schedule, next run, last success and failure, verification, retention, size trend, actions. */
export function TypeCard({ t, now, canRun }: { t: BackupTypeStatus; now: number; canRun: boolean }) {
  const failed = lastAttemptFailed(t);
  const verify = verifyStateOf(t);
  const failing = failed || verify === "failed";
  const mods = [t.overdue && "bk-type--overdue", failing && "bk-type--failing", !t.enabled && "bk-type--off"].filter(Boolean).join(" ");
  const latestUnverified = t.lastSuccess && t.lastVerified && t.lastVerified.id !== t.lastSuccess.id;
  return (
    <section
      className={`card bk-type ${mods}`}
      aria-labelledby={`bk-${t.type}-h`}
      data-testid={`backup-type-${t.type}`}
      data-overdue={String(t.overdue)}
      data-failing={String(failing)}
      data-enabled={String(t.enabled)}
    >
      <div className="card__head bk-type__head">
        <h2 id={`bk-${t.type}-h`}>{TYPE_LABEL[t.type]}</h2>
        {t.running && (
          <span className="bk-running" data-testid={`backup-running-${t.type}`}>
            <span className="spinner" aria-hidden="true" /> running
          </span>
        )}
        <VerifyBadge
          state={verify}
          size="sm"
          testId={`backup-verified-${t.type}`}
          title={t.lastVerified ? `${t.lastVerified.id}, verified ${new Date(t.lastVerified.at).toString()}` : "No backup of this type has been verified"}
        />
      </div>
      {(t.overdue || failing || !t.enabled) && (
        <p className="bk-flags">
          {!t.enabled && <span className="bk-flag bk-flag--off">Disabled</span>}
          {t.overdue && <span className="bk-flag bk-flag--overdue">Overdue</span>}
          {failed && <span className="bk-flag bk-flag--failing">Last backup failed</span>}
          {verify === "failed" && <span className="bk-flag bk-flag--failing">Verification failed</span>}
        </p>
      )}
      <dl className="kv kv--compact bk-facts">
        <dt>Schedule</dt>
        <dd title={`cron ${t.schedule} (UTC)`} data-testid={`backup-schedule-${t.type}`}>
          {scheduleText(t.schedule)}
        </dd>
        <dt>Next run</dt>
        <dd data-testid={`backup-next-${t.type}`}>
          {t.nextRunAt ? (
            <time dateTime={t.nextRunAt} title={new Date(t.nextRunAt).toString()}>
              {formatUntil(t.nextRunAt, now)} <span className="muted">({formatTimestamp(t.nextRunAt, now, { withSeconds: false })})</span>
            </time>
          ) : (
            <span className="muted">{t.enabled ? "not scheduled (is the worker running?)" : "not scheduled"}</span>
          )}
        </dd>
        <dt>Last success</dt>
        <dd data-testid={`backup-last-${t.type}`}>
          {t.lastSuccess ? (
            <>
              <Link to={backupPath(t.lastSuccess.id)}>
                <TimeAgo iso={t.lastSuccess.finishedAt} now={now} />
              </Link>
              <span className="muted"> · {formatSize(t.lastSuccess.size)}</span>
              {t.overdue && <span className="bk-overdue-note"> — overdue</span>}
            </>
          ) : (
            <span className={t.overdue ? "bk-overdue-note" : "muted"}>never</span>
          )}
        </dd>
        {failed && t.lastFailure && (
          <>
            <dt>Last failure</dt>
            <dd className="bk-failure" data-testid={`backup-failure-${t.type}`}>
              <Link to={backupPath(t.lastFailure.id)}>
                <TimeAgo iso={t.lastFailure.at} now={now} />
              </Link>
              {t.lastFailure.error && <span>: {t.lastFailure.error}</span>}
            </dd>
          </>
        )}
        <dt>Verified</dt>
        <dd>
          {t.lastVerified ? (
            <>
              <TimeAgo iso={t.lastVerified.at} now={now} />
              {!t.lastVerified.ok && <span className="bk-failure"> — failed</span>}{" "}
              <span className="muted">({t.lastVerified.id === t.lastSuccess?.id ? "latest backup" : t.lastVerified.id})</span>
              {latestUnverified && <span className="muted"> · latest not verified yet</span>}
            </>
          ) : (
            <span className="muted">never</span>
          )}
        </dd>
        <dt>Retention</dt>
        <dd>{retentionText(t)}</dd>
        <dt>Kept</dt>
        <dd data-testid={`backup-count-${t.type}`}>
          {t.count} {t.count === 1 ? "backup" : "backups"} · {formatSize(t.totalSize)}
        </dd>
      </dl>
      <SizeTrend t={t} now={now} />
      {canRun && (
        <div className="bk-actions">
          <BackupNow t={t} />
          {t.lastSuccess && (
            <Link
              to={restorePath(t.type, t.lastSuccess.id)}
              className="btn btn--md"
              data-testid={`backup-restore-${t.type}`}
              title={`Restore ${t.lastSuccess.id} with the Backup restoration runbook`}
            >
              Restore…
            </Link>
          )}
        </div>
      )}
    </section>
  );
}
