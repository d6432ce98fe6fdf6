import type { ReactNode } from "react";

/** What ties a control to its error line: spread onto the input, select, textarea or fieldset. */
export type InvalidProps = { "aria-invalid": true | undefined; "aria-describedby": string | undefined };

type Props = {
  /** The control's id, for the label. */
  id: string;
  /** Left out when the control brings its own legend (a fieldset of checkboxes). */
  label?: ReactNode;
  /** More classes for the wrapper, after "field" ("field--grow"). */
  className?: string;
  /** Shown under the control, which is then marked invalid. */
  error?: string | null;
  /** The error line's id, named by the control's aria-describedby; `<id>-error` unless given. */
  errorId?: string;
  errorTestId?: string;
  /** A line of help under the control, shown when there is no error. */
  hint?: ReactNode;
  /** The control, given the attributes that tie it to the error. */
  children: (invalid: InvalidProps) => ReactNode;
};

/** A labelled form control with its error line (the markup of SelectField, for any control). */
export function Field({ id, label, className, error, errorId = `${id}-error`, errorTestId, hint, children }: Props) {
  const failed = error != null;
  const invalid: InvalidProps = { "aria-invalid": failed || undefined, "aria-describedby": failed ? errorId : undefined };
  return (
    <div className={className ? `field ${className}` : "field"}>
      {label !== undefined && <label htmlFor={id}>{label}</label>}
      {children(invalid)}
      {failed ? (
        <p className="field__error" id={errorId} data-testid={errorTestId}>
          {error}
        </p>
      ) : (
        hint !== undefined && <p className="field__hint">{hint}</p>
      )}
    </div>
  );
}
