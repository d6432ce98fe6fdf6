import { useState } from "react";
import type { ReactNode } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { formatAgo, formatSpan, formatTimestamp } from "../../../lib/format.ts";
import { useCan } from "../../../lib/session.ts";
import type { HealingState, TargetView } from "@ops/contract";
import { ConfirmButton } from "../../../ui/ConfirmButton.tsx";
import { crashWindowText, describeExit, doctorVerdict, formatCountdown, healingSummary, startProgress, untilNextRestart, windowSeconds } from "../healing.ts";
import { useMonitoring, useSetHealingPaused } from "../queries.ts";
import { EscalationActions } from "./HealingActions.tsx";
import { RestartHistory } from "./RestartHistory.tsx";

const STATE_LABEL: Record<HealingState, string> = {
  idle: "Idle",
  waiting: "Waiting",
  restarting: "Restarting",
  starting: "Starting",
  escalated: "Escalated",
  paused: "Paused",
};

function When({ iso, now, children }: { iso: string; now: number; children?: ReactNode }) {
  return (
    <time dateTime={iso} title={new Date(iso).toString()}>
      {formatTimestamp(iso, now)} <span className="muted">({children ?? formatAgo(iso, now)})</span>
    </time>
  );
}

function HealingToggle({ name, paused }: { name: string; paused: boolean }) {
  const toggle = useSetHealingPaused(name);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="healing__control">
      <ConfirmButton
        label={paused ? "Resume auto-healing" : "Pause auto-healing"}
        question={paused ? "Restart it automatically again?" : "Stop restarting it automatically?"}
        confirmLabel={paused ? "Resume" : "Pause"}
        danger={!paused}
        pending={toggle.isPending}
        onConfirm={() => {
          setError(null);
          toggle.mutate(!paused, { onError: (e) => setError(actionErrorMessage(e, "pause or resume auto-healing")) });
        }}
        testId="healing-toggle"
      />
      {error && (
        <p className="inline-error" role="alert" data-testid="healing-toggle-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function HealingCard({ target: t, now }: { target: TargetView; now: number }) {
  const canControl = useCan("healing:control");
  const settings = useMonitoring();
  const h = t.healing;
  const state: HealingState = h?.state ?? "idle";
  const left = h?.state === "waiting" ? untilNextRestart(h, now) : null;
  const start = h ? startProgress(h, now) : null;
  // The escalation lasts through a retry (starting, restarting) until the target is healthy again.
  const escalated = t.enabled && h != null && (state === "escalated" || h.escalatedAt != null);

  return (
    <section className="card healing" aria-labelledby="healing-h" data-testid="healing-card" data-state={state}>
      <div className="card__head">
        <h2 id="healing-h">Self-healing</h2>
        <span className={`healing__state healing__state--${state}`} data-testid="healing-state" data-state={state}>
          {STATE_LABEL[state]}
        </span>
        {canControl && t.enabled && <HealingToggle name={t.name} paused={state === "paused"} />}
      </div>
      <p className="healing__summary" data-testid="healing-summary">
        {t.enabled ? healingSummary(h, now) : "Not monitored, so never restarted automatically."}
      </p>
      {escalated && <EscalationActions target={t} now={now} />}
      {h && (
        <dl className="kv kv--compact healing__facts">
          <dt>Driver</dt>
          <dd>
            <code>{h.driver || "none"}</code>
          </dd>
          <dt>Crashes</dt>
          <dd data-testid="healing-window" title="Exits and restarts it did not ask for; this many in the window escalates">
            {crashWindowText(h, windowSeconds(h, settings))}
          </dd>
          {start && h.startingSince && (
            <>
              <dt>Starting</dt>
              <dd data-testid="healing-starting">
                <When iso={h.startingSince} now={now}>
                  {formatSpan(start.elapsedMs)}
                  {start.limitMs != null ? ` of ${formatSpan(start.limitMs)}` : ""}
                </When>
              </dd>
            </>
          )}
          {h.nextRestartAt && state === "waiting" && (
            <>
              <dt>Next restart</dt>
              <dd>
                <When iso={h.nextRestartAt} now={now}>
                  {left != null && left > 0 ? `in ${formatCountdown(left)}` : "due"}
                </When>
              </dd>
            </>
          )}
          {h.lastExit && (
            <>
              <dt>Last exit</dt>
              <dd data-testid="healing-last-exit">
                {describeExit(h.lastExit)} · <When iso={h.lastExit.at} now={now} />
              </dd>
            </>
          )}
          {h.lastRestartAt && (
            <>
              <dt>Last restart</dt>
              <dd>
                <When iso={h.lastRestartAt} now={now} />
              </dd>
            </>
          )}
          {h.escalatedAt && (
            <>
              <dt>Escalated</dt>
              <dd>
                <When iso={h.escalatedAt} now={now} />
              </dd>
            </>
          )}
          {h.doctor && (
            <>
              <dt>Doctor</dt>
              <dd data-testid="healing-doctor">
                {doctorVerdict(h.doctor)} · <When iso={h.doctor.at} now={now} />
              </dd>
            </>
          )}
        </dl>
      )}
      <h3 className="healing__sub">Starts and restarts</h3>
      <RestartHistory target={t.name} now={now} />
    </section>
  );
}
