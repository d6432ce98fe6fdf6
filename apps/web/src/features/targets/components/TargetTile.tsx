import type { ReactNode } from "react";
import { currentUptime, DASH, elapsedSince, formatAgo, formatDuration, formatLatency } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { targetPath } from "../../../lib/routes.ts";
import { isAlive, statusDuration } from "../../../lib/target-status.ts";
import type { TargetView } from "@ops/contract";
import { RunRunbookLink } from "../../../ui/RunRunbookLink.tsx";
import { StatusBadge } from "../../../ui/StatusBadge.tsx";
import { comingUpLabel, currentExit, reasonLine } from "../healing.ts";
import { LadderLine } from "./LadderLine.tsx";

type Props = { target: TargetView; now: number; staleAfterMs: number; badge?: ReactNode };

/**
 * The whole tile opens the target page: its name is a link stretched over the tile, so other
 * links (an incident badge) can sit inside without nesting anchors.
 */
export function TargetTile({ target: t, now, staleAfterMs, badge }: Props) {
  const uptime = isAlive(t) ? currentUptime(t.uptimeMs, t.checkedAt, now) : null;
  const sinceCheck = elapsedSince(t.checkedAt, now);
  const stale = t.enabled && sinceCheck != null && sinceCheck > staleAfterMs;
  const duration = statusDuration(t, now);
  const reason = reasonLine(t);
  const exit = currentExit(t);
  // The probe's own words stay on hover when the line says something else (how the process ended, that it is starting).
  const reasonTitle = t.reason && t.reason !== reason ? `${reason} · probe: ${t.reason}` : reason;
  const startingLabel = comingUpLabel(t);
  const look = startingLabel ? "starting" : t.status;
  const cls = ["tile", `tile--${look}`, t.enabled ? "" : "tile--off"].filter(Boolean).join(" ");

  return (
    <div
      className={cls}
      data-testid={`tile-${t.name}`}
      data-status={t.status}
      data-enabled={t.enabled}
      title={t.enabled ? (t.description ?? undefined) : t.reason}
    >
      <div className="tile__head">
        <span className="tile__id">
          <Link to={targetPath(t.name)} className="tile__name tile__link">
            {t.displayName}
          </Link>
          {t.port != null && <span className="tile__port">:{t.port}</span>}
        </span>
        <span className="tile__badges">
          {badge}
          <StatusBadge
            status={t.status}
            label={t.enabled ? (startingLabel ?? undefined) : "Off"}
            tone={startingLabel ? "starting" : undefined}
            size="sm"
            testId={`tile-status-${t.name}`}
          />
        </span>
      </div>
      <p className={exit ? "tile__reason tile__reason--exit" : "tile__reason"} title={t.enabled ? reasonTitle : t.reason} data-testid={`tile-reason-${t.name}`}>
        {reason}
      </p>
      {t.enabled && <LadderLine healing={t.healing} now={now} testId={`ladder-${t.name}`} compact />}
      {t.enabled ? (
        <dl className="tile__metrics">
          <div>
            <dt>latency</dt>
            <dd>{formatLatency(t.latencyMs)}</dd>
          </div>
          <div>
            <dt>version</dt>
            <dd title={t.version ?? undefined}>{t.version ?? DASH}</dd>
          </div>
          <div>
            <dt>uptime</dt>
            <dd>{uptime == null ? DASH : formatDuration(uptime)}</dd>
          </div>
        </dl>
      ) : (
        <p className="tile__off-note">{disabledHint(t.reason)}</p>
      )}
      <div className="tile__foot">
        {t.enabled ? (
          <span className={stale ? "tile__checked is-stale" : "tile__checked"} title={stale ? "No probe result for a while" : undefined}>
            {t.checkedAt ? `checked ${formatAgo(t.checkedAt, now)}` : "never checked"}
          </span>
        ) : (
          <span className="tile__checked">{t.check} check · off</span>
        )}
        {duration && <span className="tile__for">{duration}</span>}
        {/* A sibling of the stretched name link, raised above it: no nested anchors. Only with runbooks:run. */}
        {t.enabled && (
          <RunRunbookLink agent={t.name} testId={`tile-run-${t.name}`} className="tile__run" label="Runbook ▸" title={`Run a runbook for ${t.displayName}`} />
        )}
      </div>
    </div>
  );
}

/** "not monitored (enabled: false in the fleet file)" → "enabled: false in the fleet file". */
function disabledHint(reason: string): string {
  const inner = /\(([^)]+)\)\s*$/.exec(reason)?.[1];
  return inner ?? (reason && reason !== "not monitored" ? reason : "disabled in config");
}
