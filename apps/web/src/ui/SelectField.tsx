export type Option = { value: string; label: string };

type Props = {
  /** Also the test id. */
  id: string;
  label: string;
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  /** A first option with the value "" ("All", "Choose…"). */
  empty?: string;
  disabled?: boolean;
  /** Shown under the select (test id `<id>-error`), which is then marked invalid. */
  error?: string | null;
  /** A line of help under the select. */
  hint?: string;
};

/** A labelled select; a value the options do not know (an old or new one from the API) is still shown. */
export function SelectField({ id, label, value, options, onChange, empty, disabled, error, hint }: Props) {
  const known = value === "" || options.some((o) => o.value === value);
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-testid={id}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {!known && <option value={value}>{value}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <p className="field__hint" id={`${id}-hint`} data-testid={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`} data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Options from fixed values and their labels. */
export function optionsOf<T extends string>(values: readonly T[], label: (v: T) => string): Option[] {
  return values.map((v) => ({ value: v, label: label(v) }));
}
