import type { BackupView } from "@ops/contract";
import { useNow } from "../../../lib/clock.ts";
import { DASH, formatTimestamp } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { backupsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { ActionError, Allowed, Card } from "../../../ui/Fields.tsx";
import { RefreshFailed, TimeAgo } from "../../../ui/QueryState.tsx";
import { RecordLoadState } from "../../../ui/RecordLoadState.tsx";
import { backupDurationMs, formatBackupDuration, formatSize, restorePath, TYPE_LABEL, verifyView } from "../backups.ts";
import { BackupStatusBadge, TypeBadge, VerifyBadge } from "../components/BackupBadges.tsx";
import { ManifestDetails, ManifestFiles, TextList } from "../components/ManifestView.tsx";
import { useBackup, useVerifyBackup } from "../queries.ts";

const BACK = (
  <Link to={backupsPath()} className="back" data-testid="back-link">
    ← Backups
  </Link>
);

export function BackupPage({ id }: { id: string }) {
  return (
    <Allowed permission="targets:read" action="view backups">
      <BackupLoader id={id} />
    </Allowed>
  );
}

function BackupLoader({ id }: { id: string }) {
  const q = useBackup(id);
  if (!q.data) {
    const testIds = { notFound: "backup-not-found", error: "backup-load-error" };
    return <RecordLoadState query={q} noun="backup" action="view backups" testIds={testIds} back={BACK} loading={`Loading backup ${id}…`} />;
  }
  return (
    <>
      <RefreshFailed query={q} action="view backups" />
      <BackupDetail b={q.data} />
    </>
  );
}

function When({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <>{DASH}</>;
  return (
    <>
      {formatTimestamp(iso, now)}{" "}
      <span className="muted">
        (<TimeAgo iso={iso} now={now} />)
      </span>
    </>
  );
}

function Facts({ b, now }: { b: BackupView; now: number }) {
  return (
    <dl className="kv bk-kv" data-testid="backup-facts">
      <dt>Path</dt>
      <dd>
        <code data-testid="backup-path">{b.path || DASH}</code>
      </dd>
      <dt>Started</dt>
      <dd>
        <When iso={b.startedAt} now={now} />
      </dd>
      <dt>Finished</dt>
      <dd>
        <When iso={b.finishedAt} now={now} />
      </dd>
      <dt>Duration</dt>
      <dd>{formatBackupDuration(backupDurationMs(b, now))}</dd>
      <dt>Size</dt>
      <dd data-testid="backup-size">{formatSize(b.size)}</dd>
      <dt>sha256</dt>
      <dd>
        <code className="bk-sha" data-testid="backup-sha256">
          {b.sha256 ?? DASH}
        </code>
      </dd>
      <dt>Trigger</dt>
      <dd data-testid="backup-trigger">{b.trigger || DASH}</dd>
      {b.error && (
        <>
          <dt>Error</dt>
          <dd className="inline-error" data-testid="backup-error">
            {b.error}
          </dd>
        </>
      )}
      {b.manifest && b.manifest.sources.length > 0 && (
        <>
          <dt>Sources</dt>
          <dd>
            <TextList items={b.manifest.sources} />
          </dd>
        </>
      )}
      {b.manifest && Object.keys(b.manifest.tools).length > 0 && (
        <>
          <dt>Tools</dt>
          <dd>
            <TextList
              items={Object.entries(b.manifest.tools).map(([tool, version]) =>
                version.toLowerCase().includes(tool.toLowerCase()) ? version : `${tool} ${version}`,
              )}
              code
            />
          </dd>
        </>
      )}
    </dl>
  );
}

function Verification({ b, result, now }: { b: BackupView; result: ReturnType<typeof useVerifyBackup>["data"]; now: number }) {
  const v = verifyView(b, result);
  return (
    <div className={`bk-verify-result bk-verify-result--${v.state}`} data-testid="backup-verify-result" data-state={v.state} role="status">
      <p>
        <VerifyBadge state={v.state} />{" "}
        {b.verifiedAt ? (
          <span className="muted">
            <TimeAgo iso={b.verifiedAt} now={now} /> · {formatTimestamp(b.verifiedAt, now)}
          </span>
        ) : (
          <span className="muted">{b.status === "succeeded" ? "This backup has not been verified." : "Only a complete backup can be verified."}</span>
        )}
      </p>
      {v.problems.length > 0 && (
        <ul className="bk-checks bk-checks--problems" data-testid="backup-verify-problems">
          {v.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {v.checks.length > 0 && (
        <ul className="bk-checks" data-testid="backup-verify-checks">
          {v.checks.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function BackupDetail({ b }: { b: BackupView }) {
  const now = useNow();
  const canRun = useCan("runbooks:run");
  const verify = useVerifyBackup(b.id);
  const complete = b.status === "succeeded";
  // A result shown is for this backup as it is now; a refetch after it carries the same in the index.
  const result = verify.data?.backup.id === b.id ? verify.data : undefined;
  return (
    <div className="target bk-page" data-testid="backup-page" data-status={b.status}>
      {BACK}
      <header className={`record-head run-head--${b.status}`}>
        <div className="run-head__main">
          <div className="run-head__badges">
            <span className="run-head__id" data-testid="backup-id">
              {b.id}
            </span>
            <BackupStatusBadge status={b.status} size="lg" testId="backup-status" />
            <TypeBadge type={b.type} testId="backup-type" />
            {complete && <VerifyBadge state={verifyView(b, result).state} size="lg" testId="backup-verified" />}
          </div>
          <h1 className="run-head__title">{TYPE_LABEL[b.type]} backup</h1>
          <p className="run-head__by">
            Started <TimeAgo iso={b.startedAt} now={now} /> · {b.trigger || "unknown trigger"}
            {b.size != null && ` · ${formatSize(b.size)}`}
          </p>
        </div>
        {canRun && complete && (
          <div className="inc-actions">
            <div className="inc-actions__buttons">
              <button type="button" className="btn btn--md" disabled={verify.isPending} onClick={() => verify.mutate()} data-testid="backup-verify">
                {verify.isPending ? "Verifying…" : "Verify now"}
              </button>
              <Link
                to={restorePath(b.type, b.id)}
                className="btn btn--md"
                data-testid="backup-restore"
                title="Restore this backup with the Backup restoration runbook"
              >
                Restore…
              </Link>
            </div>
            <ActionError mutation={verify} action="verify backups" testId="backup-verify-error" />
          </div>
        )}
      </header>

      <div className="target-grid">
        <div className="target-grid__main">
          <Card
            id="bk-verification"
            title="Verification"
            aside={
              verify.isPending ? (
                <span className="muted">checking the files{b.type === "database" || b.type === "full" ? " and restoring into a scratch database" : ""}…</span>
              ) : undefined
            }
          >
            <Verification b={b} result={result} now={now} />
          </Card>
          <Card id="bk-files" title="Files">
            {b.manifest ? <ManifestFiles m={b.manifest} /> : <p className="empty">{noManifest(b)}</p>}
          </Card>
          {b.manifest && (
            <Card id="bk-details" title="Contents">
              <ManifestDetails m={b.manifest} />
            </Card>
          )}
          <Card id="bk-manifest" title="Manifest">
            {b.manifest === null ? (
              <p className="empty">{noManifest(b)}</p>
            ) : (
              <details className="bk-raw">
                <summary>Raw manifest.json</summary>
                <pre className="bk-raw__pre" data-testid="backup-manifest">
                  {JSON.stringify(b.manifest, null, 2)}
                </pre>
              </details>
            )}
          </Card>
        </div>
        <aside className="target-grid__side">
          <Card id="bk-facts" title="Facts">
            <Facts b={b} now={now} />
          </Card>
        </aside>
      </div>
    </div>
  );
}

function noManifest(b: BackupView): string {
  switch (b.status) {
    case "running":
      return "Still running: the manifest is written last.";
    case "failed":
      return "No manifest: the backup failed before it was complete.";
    case "deleted":
      return "No manifest: the backup was deleted.";
    default:
      return "No manifest recorded.";
  }
}
