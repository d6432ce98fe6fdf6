import type { ReactNode } from "react";

type Props<T> = {
  rows: readonly T[];
  /** Rows are `<testId>-<i>`, their remove buttons `<testId>-remove-<i>`, the add button `<testId>-add`. */
  testId: string;
  /** Lays the row's fields out ("timeline", "actions"). */
  variant: string;
  noun: string;
  empty: string;
  onAdd: () => void;
  onRemove: (index: number) => void;
  children: (row: T, index: number) => ReactNode;
};

/** An editable list of rows (the timeline, the action items): each with its fields and a remove button. */
export function RowsEditor<T>({ rows, testId, variant, noun, empty, onAdd, onRemove, children }: Props<T>) {
  return (
    <div className={`pm-rows pm-rows--${variant}`}>
      {rows.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ol className="pm-rows__list">
          {rows.map((row, i) => (
            <li key={i} className="pm-row" data-testid={`${testId}-${i}`}>
              <span className="pm-row__n" aria-hidden="true">
                {i + 1}
              </span>
              {children(row, i)}
              <button
                type="button"
                className="btn btn--sm pm-row__remove"
                onClick={() => onRemove(i)}
                aria-label={`Remove ${noun} ${i + 1}`}
                data-testid={`${testId}-remove-${i}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      <div>
        <button type="button" className="btn" onClick={onAdd} data-testid={`${testId}-add`}>
          + Add {noun}
        </button>
      </div>
    </div>
  );
}
