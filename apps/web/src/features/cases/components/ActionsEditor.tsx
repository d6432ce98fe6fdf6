import { useState } from "react";
import type { CaseAction } from "@ops/contract";
import { ACTION_LABEL, ACTION_TYPES, moveItem, newAction, type ActionType } from "../cases.ts";

type Props = {
  actions: readonly CaseAction[];
  onChange: (next: CaseAction[]) => void;
  readOnly: boolean;
  /** The server's complaint about one action, by index. */
  error: { index: number | null; message: string } | null;
};

function numberValue(n: number): number | "" {
  return Number.isFinite(n) ? n : "";
}

function ParamField({
  action,
  index,
  onChange,
  readOnly,
  invalid,
}: {
  action: CaseAction;
  index: number;
  onChange: (a: CaseAction) => void;
  readOnly: boolean;
  invalid: boolean;
}) {
  const common = { disabled: readOnly, "aria-invalid": invalid || undefined, "data-testid": `case-action-param-${index}` };
  switch (action.type) {
    case "restart":
    case "restore-config":
      return <span className="muted action-row__none">no parameters</span>;
    case "wait":
      return (
        <label className="action-row__param">
          <input
            type="number"
            min={0}
            step={1}
            value={numberValue(action.seconds)}
            onChange={(e) => onChange({ ...action, seconds: e.target.valueAsNumber })}
            {...common}
          />
          <span className="muted">seconds</span>
        </label>
      );
    case "wait-healthy":
      return (
        <label className="action-row__param">
          <span className="muted">timeout</span>
          <input
            type="number"
            min={0}
            step={1}
            value={numberValue(action.timeoutSeconds)}
            onChange={(e) => onChange({ ...action, timeoutSeconds: e.target.valueAsNumber })}
            {...common}
          />
          <span className="muted">seconds</span>
        </label>
      );
    case "notify":
      return (
        <label className="action-row__param action-row__param--grow">
          <span className="sr-only">Message</span>
          <input
            type="text"
            value={action.message}
            placeholder="Message to send"
            onChange={(e) => onChange({ ...action, message: e.target.value })}
            {...common}
          />
        </label>
      );
  }
}

export function ActionsEditor({ actions, onChange, readOnly, error }: Props) {
  const [adding, setAdding] = useState<ActionType>("restart");
  const set = (i: number, a: CaseAction) => onChange(actions.map((x, j) => (j === i ? a : x)));

  return (
    <div className="actions-editor" data-testid="case-actions">
      {actions.length === 0 ? (
        <p className="empty">No actions: the case only documents a manual solution.</p>
      ) : (
        <ol className="actions-editor__list">
          {actions.map((a, i) => {
            const invalid = error?.index === i;
            return (
              <li key={i} className={invalid ? "action-row action-row--invalid" : "action-row"} data-testid={`case-action-${i}`} data-type={a.type}>
                <span className="action-row__n">{i + 1}</span>
                <label className="action-row__type">
                  <span className="sr-only">Action {i + 1}</span>
                  <select
                    value={a.type}
                    disabled={readOnly}
                    onChange={(e) => set(i, newAction(e.target.value as ActionType))}
                    data-testid={`case-action-type-${i}`}
                  >
                    {ACTION_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {ACTION_LABEL[t]}
                      </option>
                    ))}
                  </select>
                </label>
                <ParamField action={a} index={i} onChange={(next) => set(i, next)} readOnly={readOnly} invalid={invalid} />
                {!readOnly && (
                  <span className="action-row__tools">
                    <button
                      type="button"
                      className="btn btn--sm"
                      disabled={i === 0}
                      onClick={() => onChange(moveItem(actions, i, i - 1))}
                      aria-label={`Move action ${i + 1} up`}
                      data-testid={`case-action-up-${i}`}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn btn--sm"
                      disabled={i === actions.length - 1}
                      onClick={() => onChange(moveItem(actions, i, i + 1))}
                      aria-label={`Move action ${i + 1} down`}
                      data-testid={`case-action-down-${i}`}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="btn btn--sm"
                      onClick={() => onChange(actions.filter((_, j) => j !== i))}
                      aria-label={`Remove action ${i + 1}`}
                      data-testid={`case-action-remove-${i}`}
                    >
                      ✕
                    </button>
                  </span>
                )}
                {invalid && (
                  <p className="field__error action-row__error" data-testid="case-action-error">
                    {error.message}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {error && error.index === null && (
        <p className="field__error" data-testid="case-action-error">
          {error.message}
        </p>
      )}
      {!readOnly && (
        <div className="actions-editor__add">
          <label>
            <span className="sr-only">Action to add</span>
            <select value={adding} onChange={(e) => setAdding(e.target.value as ActionType)} data-testid="case-action-new-type">
              {ACTION_TYPES.map((t) => (
                <option key={t} value={t}>
                  {ACTION_LABEL[t]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn--sm" onClick={() => onChange([...actions, newAction(adding)])} data-testid="case-action-add">
            Add action
          </button>
        </div>
      )}
    </div>
  );
}
