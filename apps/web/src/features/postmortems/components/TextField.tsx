type Props = {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Markdown fields are textareas; the others one-line inputs. */
  markdown?: boolean;
  rows?: number;
  placeholder?: string;
  hint?: string;
};

/** One labelled field of the editor; `id` is also its test id. */
export function TextField({ id, label, value, onChange, markdown, rows = 5, placeholder, hint }: Props) {
  const hintId = hint || markdown ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {markdown ? (
        <textarea
          id={id}
          rows={rows}
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={hintId}
          data-testid={id}
        />
      ) : (
        <input
          id={id}
          type="text"
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={hintId}
          data-testid={id}
        />
      )}
      {hintId && (
        <p className="field__hint" id={hintId}>
          {hint ?? "Markdown."}
        </p>
      )}
    </div>
  );
}
