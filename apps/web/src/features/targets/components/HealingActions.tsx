import { useState } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { useCan } from "../../../lib/session.ts";
import type { TargetView } from "@ops/contract";
import { ConfirmButton } from "../../../ui/ConfirmButton.tsx";
import { RunRunbookLink } from "../../../ui/RunRunbookLink.tsx";
import { describeHealing } from "../healing.ts";
import { useHealingAction, useSetHealingPaused } from "../queries.ts";
import type { HealingAction } from "@ops/contract";

type Outcome = { ok: boolean; text: string; at: number } | null;

const DONE: Record<HealingAction | "resume", string> = {
  retry: "Restart requested: it runs now through the driver.",
  reset: "Ladder reset: its restarts, crashes and the escalation are forgotten; it starts again from the first backoff step.",
  resume: "Auto-healing resumed: the watchdog restarts it again, and the escalation is over.",
};

const NEEDS_ONCALL = "Needs the on-call role (healing:control).";

function OutcomeLine({ outcome, testId }: { outcome: Outcome; testId: string }) {
  if (!outcome) return null;
  return (
    <p
      className={outcome.ok ? "heal-outcome heal-outcome--ok" : "heal-outcome inline-error"}
      role={outcome.ok ? "status" : "alert"}
      data-testid={testId}
      data-ok={outcome.ok}
    >
      <span className="muted">{formatTimestamp(new Date(outcome.at).toISOString(), outcome.at)} · </span>
      {outcome.text}
    </p>
  );
}

/** Why the retry cannot run now, or null: a start in progress is not interrupted (the API would say 409). */
function retryBlocked(t: TargetView): string | null {
  const s = t.healing?.state;
  if (s === "starting") return "A start is in progress: wait for it to end.";
  if (s === "restarting") return "A restart is in progress.";
  return null;
}

/** "Restart now" after a config restore, or "Retry now" on an escalated target: one restart through the driver. */
export function RetryButton({ target: t, label = "Retry now", testId = "healing-retry" }: { target: TargetView; label?: string; testId?: string }) {
  const canControl = useCan("healing:control");
  const act = useHealingAction(t.name);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const blocked = retryBlocked(t);
  const why = !canControl ? NEEDS_ONCALL : blocked;
  return (
    <div className="heal-action">
      <button
        type="button"
        className="btn btn--sm btn--primary"
        disabled={!canControl || act.isPending || blocked != null}
        title={why ?? "Restart it once now through its driver"}
        onClick={() => {
          setOutcome(null);
          const escalated = t.healing?.escalatedAt != null;
          act.mutate("retry", {
            onSuccess: () =>
              setOutcome({ ok: true, text: escalated ? "Retry requested: one restart runs now, even though it is escalated." : DONE.retry, at: Date.now() }),
            onError: (e) => setOutcome({ ok: false, text: actionErrorMessage(e, "restart this target"), at: Date.now() }),
          });
        }}
        data-testid={testId}
      >
        {act.isPending ? "Requesting…" : label}
      </button>
      {blocked && canControl && !outcome && <span className="heal-action__why">{blocked}</span>}
      <OutcomeLine outcome={outcome} testId={`${testId}-outcome`} />
    </div>
  );
}

/**
 * What a person can do once the ladder has given up: retry once, reset the ladder, resume auto-healing, or
 * hand the target to a runbook. Viewers see the buttons disabled, with the reason.
 */
export function EscalationActions({ target: t, now }: { target: TargetView; now: number }) {
  const canControl = useCan("healing:control");
  const canRun = useCan("runbooks:run");
  const act = useHealingAction(t.name);
  const resume = useSetHealingPaused(t.name);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const h = t.healing;
  if (!h) return null;
  const paused = h.state === "paused";
  const line = describeHealing(h, now);
  const done = (what: HealingAction | "resume") => () => setOutcome({ ok: true, text: DONE[what], at: Date.now() });
  const failed = (action: string) => (e: unknown) => setOutcome({ ok: false, text: actionErrorMessage(e, action), at: Date.now() });

  return (
    <div className="escalation" data-testid="escalation-actions" role="group" aria-labelledby="escalation-h">
      <h3 id="escalation-h" className="escalation__title">
        A person is needed
      </h3>
      <p className="escalation__note" data-testid="escalation-note">
        {h.state === "escalated" || paused
          ? "No more automatic restarts until it is healthy again or someone steps in."
          : `A restart is under way (${line?.text ?? h.state}${line?.detail ? ` ${line.detail}` : ""}). The escalation ends once it is healthy; if this attempt fails, it stays escalated.`}
      </p>
      <div className="escalation__buttons">
        <RetryButton target={t} />
        <div className="heal-action">
          {canControl ? (
            <ConfirmButton
              label="Reset ladder"
              question="Forget its restarts, crashes and the escalation, and start the ladder again?"
              confirmLabel="Reset"
              danger
              pending={act.isPending}
              onConfirm={() => {
                setOutcome(null);
                act.mutate("reset", { onSuccess: done("reset"), onError: failed("reset the ladder") });
              }}
              testId="healing-reset"
            />
          ) : (
            <button type="button" className="btn btn--sm" disabled title={NEEDS_ONCALL} data-testid="healing-reset">
              Reset ladder
            </button>
          )}
        </div>
        {paused && (
          <div className="heal-action">
            <button
              type="button"
              className="btn btn--sm"
              disabled={!canControl || resume.isPending}
              title={canControl ? "Let the watchdog restart it again" : NEEDS_ONCALL}
              onClick={() => {
                setOutcome(null);
                resume.mutate(false, { onSuccess: done("resume"), onError: failed("resume auto-healing") });
              }}
              data-testid="healing-resume"
            >
              {resume.isPending ? "Resuming…" : "Resume auto-healing"}
            </button>
          </div>
        )}
        <div className="heal-action">
          {canRun ? (
            <RunRunbookLink
              agent={t.name}
              testId="healing-runbook"
              className="btn btn--sm"
              label="Hand to a runbook ▸"
              title={`Pick a runbook for ${t.displayName}`}
            />
          ) : (
            <span className="btn btn--sm is-disabled" aria-disabled="true" title="Needs the on-call role (runbooks:run)." data-testid="healing-runbook">
              Hand to a runbook ▸
            </span>
          )}
        </div>
      </div>
      {!canControl && (
        <p className="heal-action__why" data-testid="escalation-viewer-note">
          Retry, reset, resume and runbooks need the on-call role: ask the engineer on call.
        </p>
      )}
      <OutcomeLine outcome={outcome} testId="escalation-outcome" />
    </div>
  );
}
