import { useState } from "react";
import { useReturnFocus } from "./useReturnFocus.ts";

type Props = {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  danger?: boolean;
  testId?: string;
};

/** Two-step button: the action runs only after an explicit second click. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, pending, danger, testId }: Props) {
  const [asking, setAsking] = useState(false);
  const opener = useReturnFocus(asking);
  if (!asking) {
    return (
      <button ref={opener} type="button" className="btn btn--sm" onClick={() => setAsking(true)} disabled={pending} data-testid={testId}>
        {pending ? "Working…" : label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === "Escape" && setAsking(false)}>
      <span className="confirm__q">{question}</span>
      <button
        type="button"
        className={`btn btn--sm ${danger ? "btn--danger" : "btn--primary"}`}
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={testId ? `${testId}-confirm` : undefined}
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn btn--sm" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
