import type { HumanDecision, StepView } from "@ops/contract";
import { useState } from "react";
import { DASH } from "../../../lib/format.ts";
import { decisionsFor, describeAction, expandedByDefault, formatElapsed, isManual, STEP_STATUS_LABEL, stepDuration } from "../runbooks.ts";
import { StepIcon } from "./RunBadges.tsx";

const DECISION_LABEL: Record<"manual" | "interrupted", Partial<Record<HumanDecision, string>>> = {
  manual: { done: "Done, continue", skip: "Skip" },
  interrupted: { retry: "Retry step", done: "Mark done", skip: "Skip" },
};

const DECISION_CLASS: Record<HumanDecision, string> = { done: "btn btn--md btn--ok", retry: "btn btn--md btn--primary", skip: "btn btn--md" };

type Props = {
  steps: readonly StepView[];
  now: number;
  /** Whether the viewer may decide on waiting steps (runbooks:run and the run is not finished). */
  canDecide: boolean;
  deciding: boolean;
  onDecide: (index: number, decision: HumanDecision) => void;
};

function WaitingBox({ step, canDecide, deciding, onDecide }: { step: StepView } & Omit<Props, "steps" | "now">) {
  const manual = isManual(step);
  const instructions = typeof step.action.instructions === "string" ? step.action.instructions : "";
  const labels = DECISION_LABEL[manual ? "manual" : "interrupted"];
  return (
    <div className="step__wait" data-testid={`step-waiting-${step.index}`}>
      {manual ? (
        <>
          <p className="step__wait-title">A person does this step:</p>
          <p className="step__instructions" data-testid={`step-instructions-${step.index}`}>
            {instructions || "No instructions given."}
          </p>
        </>
      ) : (
        <p className="step__wait-title" data-testid={`step-instructions-${step.index}`}>
          The worker stopped while this step was running. It is not safe to repeat on its own: check what happened
          {step.target ? ` to ${step.target}` : ""}, then retry it, mark it done, or skip it.
        </p>
      )}
      {canDecide ? (
        <div className="step__decide">
          {decisionsFor(step).map((d) => (
            <button
              key={d}
              type="button"
              className={DECISION_CLASS[d]}
              disabled={deciding}
              onClick={() => onDecide(step.index, d)}
              data-testid={`step-${d}-${step.index}`}
            >
              {labels[d]}
            </button>
          ))}
        </div>
      ) : (
        <p className="muted">Waiting for someone with the on-call or admin role.</p>
      )}
    </div>
  );
}

function StepItem({
  step,
  now,
  expanded,
  onToggle,
  ...rest
}: { step: StepView; now: number; expanded: boolean; onToggle: () => void } & Omit<Props, "steps" | "now">) {
  const dur = stepDuration(step, now);
  const outputId = `step-output-${step.index}`;
  const hasOutput = step.output !== "";
  return (
    <li className={`step step--${step.status}`} data-testid={`run-step-${step.index}`} data-status={step.status} data-key={step.key}>
      <StepIcon status={step.status} />
      <div className="step__body">
        <div className="step__line">
          <span className="step__title">
            <span className="step__n">{step.index + 1}.</span> {step.title}
          </span>
          <span className="step__state">{STEP_STATUS_LABEL[step.status]}</span>
          {step.attempts > 1 && <span className="tag tag--soft">attempt {step.attempts}</span>}
          <span className="step__dur" data-testid={`step-duration-${step.index}`}>
            {dur == null ? DASH : formatElapsed(dur)}
          </span>
        </div>
        <code className="step__action">{describeAction(step.action)}</code>
        {step.decidedBy && <span className="step__decided">decided by {step.decidedBy}</span>}
        {step.status === "waiting-for-human" && <WaitingBox step={step} {...rest} />}
        {hasOutput ? (
          <div className="step__out">
            <button
              type="button"
              className="step__toggle"
              aria-expanded={expanded}
              aria-controls={outputId}
              onClick={onToggle}
              data-testid={`step-toggle-${step.index}`}
            >
              <span aria-hidden="true">{expanded ? "▾" : "▸"}</span> {expanded ? "Hide output" : "Show output"}
            </button>
            <pre className="code-block step__output" id={outputId} hidden={!expanded} data-testid={outputId}>
              {step.output}
            </pre>
          </div>
        ) : (
          step.status === "running" && <span className="muted step__none">No output yet…</span>
        )}
      </div>
    </li>
  );
}

/** The live step list: each step's state, duration and output; waiting steps offer the decisions a person can make. */
export function StepList({ steps, now, ...rest }: Props) {
  // Only what the user folded or unfolded is remembered; everything else follows the step's status.
  const [overrides, setOverrides] = useState<ReadonlyMap<number, boolean>>(new Map());
  if (steps.length === 0) return <p className="empty">This run has no steps.</p>;
  return (
    <ol className="steps" data-testid="run-steps">
      {steps.map((s) => {
        const expanded = overrides.get(s.index) ?? expandedByDefault(s.status);
        return (
          <StepItem
            key={s.index}
            step={s}
            now={now}
            expanded={expanded}
            onToggle={() => setOverrides((cur) => new Map(cur).set(s.index, !expanded))}
            {...rest}
          />
        );
      })}
    </ol>
  );
}
