import type { ConfigRestoreAnswer, ConfigStatus, ConfigVersionSummary } from "@ops/contract";
import { useState } from "react";
import type { ReactNode } from "react";
import "../../../styles/config.css";
import { ConfirmButton } from "../../../ui/ConfirmButton.tsx";
import { LoadingOrError, RefreshFailed } from "../../../ui/QueryState.tsx";
import { actionErrorMessage } from "../../../lib/api.ts";
import { formatAgo, formatTimestamp } from "../../../lib/format.ts";
import { useCan } from "../../../lib/session.ts";
import { classifyDiff, diffStat, fileVerdict, restorePlan, shortSha } from "../config.ts";
import { useConfigStatus, useConfigVersion, useRestoreConfig } from "../queries.ts";

function When({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={new Date(iso).toString()}>
      {formatTimestamp(iso, now)} <span className="muted">({formatAgo(iso, now)})</span>
    </time>
  );
}

function Diff({ diff }: { diff: string }) {
  const lines = classifyDiff(diff);
  const stat = diffStat(lines);
  return (
    <details className="config__diff" open>
      <summary>
        Current file against the last good copy{" "}
        <span className="diff-stat">
          <span className="diff-stat__add">+{stat.added}</span> <span className="diff-stat__del">−{stat.removed}</span>
        </span>
      </summary>
      <pre className="code-block diff" data-testid="config-diff" aria-label="Unified diff, secrets redacted">
        {lines.map((l, i) => (
          <span key={i} className={`diff__line diff__line--${l.kind}`}>
            {l.text}
            {"\n"}
          </span>
        ))}
      </pre>
    </details>
  );
}

function VersionContent({ target, version }: { target: string; version: number }) {
  const q = useConfigVersion(target, version);
  if (!q.data) return <LoadingOrError query={q} what={`version ${version}`} action="view config versions" />;
  return (
    <pre className="code-block config__content" data-testid="config-version-content">
      {q.data.content}
    </pre>
  );
}

function Versions({ c, now }: { c: ConfigStatus; now: number }) {
  const [open, setOpen] = useState<number | null>(null);
  if (c.versions.length === 0) return null;
  return (
    <details className="config__versions">
      <summary>Versions kept ({c.versions.length}): snapshots and the broken files restores replaced</summary>
      <ul className="versions" data-testid="config-versions">
        {c.versions.map((v: ConfigVersionSummary) => (
          <li key={v.version} className={`version version--${v.kind}`} data-testid="config-version" data-kind={v.kind}>
            <span className="version__n">v{v.version}</span>
            <span className={`tag version__kind version__kind--${v.kind}`}>{v.kind === "snapshot" ? "good" : "broken"}</span>
            <When iso={v.takenAt} now={now} />
            <code className="version__sha" title={v.sha}>
              {shortSha(v.sha)}
            </code>
            {v.version === c.lastGood?.version && <span className="version__mark">last good</span>}
            {v.sha === c.currentSha && <span className="version__mark">= current file</span>}
            <button
              type="button"
              className="btn btn--sm version__view"
              aria-expanded={open === v.version}
              onClick={() => setOpen(open === v.version ? null : v.version)}
            >
              {open === v.version ? "Hide" : "View"}
            </button>
          </li>
        ))}
      </ul>
      {open != null && <VersionContent target={c.target} version={open} />}
    </details>
  );
}

function RestoreOutcome({ result, restartNow }: { result: ConfigRestoreAnswer; restartNow: ReactNode }) {
  return (
    <div
      className={result.ok ? "config__restored" : "config__restored config__restored--bad"}
      role="status"
      data-testid="config-restore-outcome"
      data-ok={result.ok}
    >
      <p>{result.note}</p>
      {result.brokenCopy && !result.note.includes(result.brokenCopy) && (
        <p className="muted">
          The replaced file is kept as <code>{result.brokenCopy}</code>.
        </p>
      )}
      {result.restartNeeded && (
        <div className="config__restart">
          <span>The gateway reads its config when it starts:</span>
          {restartNow}
        </div>
      )}
    </div>
  );
}

function Restore({ c, now, restartNow }: { c: ConfigStatus; now: number; restartNow: ReactNode }) {
  const canControl = useCan("healing:control");
  const restore = useRestoreConfig(c.target);
  const [result, setResult] = useState<ConfigRestoreAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const plan = restorePlan(c);
  return (
    <div className="config__restore">
      {plan.version == null ? (
        c.lastGood ? null : (
          <p className="muted" data-testid="config-restore-none">
            {plan.why}
          </p>
        )
      ) : (
        <div className="config__restore-row">
          {canControl ? (
            <ConfirmButton
              label={plan.previous ? "Restore the previous good copy" : "Restore last good"}
              question={`Put version ${plan.version} back? The current file is kept beside it; nothing restarts.`}
              confirmLabel="Restore"
              danger
              pending={restore.isPending}
              onConfirm={() => {
                setError(null);
                setResult(null);
                restore.mutate(undefined, { onSuccess: setResult, onError: (e) => setError(actionErrorMessage(e, "restore config files")) });
              }}
              testId="config-restore"
            />
          ) : (
            <button type="button" className="btn btn--sm" disabled title="Needs the on-call role (healing:control)." data-testid="config-restore">
              {plan.previous ? "Restore the previous good copy" : "Restore last good"}
            </button>
          )}
          <span className="muted">
            {plan.previous ? "The file is the newest good copy; this " : ""}
            {plan.previous ? "puts" : "Puts"} version {plan.version}
            {plan.takenAt && <> ({formatTimestamp(plan.takenAt, now)})</>} back and keeps the current file beside it
            {!canControl && " · needs the on-call role"}
          </span>
        </div>
      )}
      {error && (
        <p className="inline-error" role="alert" data-testid="config-restore-error">
          {error}
        </p>
      )}
      {result && <RestoreOutcome result={result} restartNow={restartNow} />}
    </div>
  );
}

function Body({ c, now, restartNow }: { c: ConfigStatus; now: number; restartNow: ReactNode }) {
  const verdict = fileVerdict(c);
  const issues = c.validation?.issues ?? [];
  return (
    <>
      <dl className="kv kv--compact config__facts">
        <dt>Path</dt>
        <dd>
          <code className="config__path" data-testid="config-path">
            {c.path}
          </code>
        </dd>
        <dt>Current file</dt>
        <dd>
          <span className={`config-verdict config-verdict--${verdict.tone}`} data-testid="config-verdict" data-tone={verdict.tone}>
            {verdict.text}
          </span>
          {c.validation && !verdict.text.includes(c.validation.validator) && <span className="muted"> · validator: {c.validation.validator}</span>}
          {c.currentSha && (
            <span className="muted">
              {" "}
              · <code title={c.currentSha}>{shortSha(c.currentSha)}</code>
            </span>
          )}
          {issues.length > 0 && (
            <ul className="config__issues" data-testid="config-issues">
              {issues.map((i, n) => (
                <li key={n}>
                  <code>{i.path}</code> {i.message}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Last good</dt>
        <dd data-testid="config-last-good">
          {c.lastGood ? (
            <>
              version {c.lastGood.version}, taken <When iso={c.lastGood.takenAt} now={now} />
            </>
          ) : (
            <span className="muted">none yet</span>
          )}
        </dd>
      </dl>
      <Restore c={c} now={now} restartNow={restartNow} />
      {c.diff ? <Diff diff={c.diff} /> : c.lastGood && c.exists && <p className="muted">The current file matches the last good copy.</p>}
      <Versions c={c} now={now} />
    </>
  );
}

/**
 * The target's own config file (openclaw.json): whether it is valid, its last-known-good copies, the diff and
 * the restore. Nothing at all for a target without a config file. `restartNow` is offered after a restore.
 */
export function ConfigCard({ target, now, restartNow }: { target: string; now: number; restartNow: ReactNode }) {
  const q = useConfigStatus(target);
  if (q.data === null) return null;
  return (
    <section className="card config" aria-labelledby="config-h" data-testid="config-card">
      <div className="card__head">
        <h2 id="config-h">Config file</h2>
        <span className="muted">last-known-good copies, redacted</span>
      </div>
      {q.data === undefined ? (
        <LoadingOrError query={q} what="the config file" action="view config files" testId="config-error" />
      ) : (
        <>
          <RefreshFailed query={q} action="view config files" />
          <Body c={q.data} now={now} restartNow={restartNow} />
        </>
      )}
    </section>
  );
}
