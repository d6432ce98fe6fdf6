import type { ParamSpec } from "@ops/contract";
import type { Target } from "../../../lib/targets.ts";

type Props = {
  spec: ParamSpec;
  value: string | boolean;
  onChange: (value: string | boolean) => void;
  /** The fleet, for target parameters; undefined while loading. */
  targets: readonly Target[] | undefined;
  error: string | null;
};

function kindsLabel(kinds: readonly string[]): string {
  if (kinds.length === 0 || (kinds.includes("agent") && kinds.includes("service"))) return "an agent or service";
  return kinds.includes("service") ? "a service" : "an agent";
}

/** One input per parameter: `param-<name>` is both its id and its test id. */
export function ParamField({ spec, value, onChange, targets, error }: Props) {
  const id = `param-${spec.name}`;
  const errId = `field-error-${spec.name}`;
  const hintId = `${id}-hint`;
  const describedBy = [spec.description ? hintId : null, error ? errId : null].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "data-testid": id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    required: spec.required,
  } as const;
  const str = typeof value === "string" ? value : "";

  let input;
  switch (spec.type) {
    case "target": {
      const options = (targets ?? []).filter((t) => spec.kinds.length === 0 || spec.kinds.includes(t.kind));
      const known = str === "" || options.some((t) => t.name === str);
      input = (
        <select {...common} value={str} onChange={(e) => onChange(e.target.value)}>
          <option value="">{targets ? `Choose ${kindsLabel(spec.kinds)}…` : "Loading fleet…"}</option>
          {!known && <option value={str}>{targets ? `${str} (not a valid choice here)` : str}</option>}
          {options.map((t) => (
            <option key={t.name} value={t.name} disabled={!t.enabled}>
              {t.displayName !== t.name ? `${t.displayName} (${t.name})` : t.name}
              {t.enabled ? ` · ${t.status}` : " · not monitored"}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "enum": {
      const known = str === "" || spec.values.includes(str);
      input = (
        <select {...common} value={str} onChange={(e) => onChange(e.target.value)}>
          {(str === "" || !spec.required) && <option value="">{spec.required ? "Choose…" : "(none)"}</option>}
          {!known && <option value={str}>{str} (not a valid choice)</option>}
          {spec.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "integer":
      input = (
        <input {...common} type="number" inputMode="numeric" step={1} min={spec.min} max={spec.max} value={str} onChange={(e) => onChange(e.target.value)} />
      );
      break;
    case "boolean":
      return (
        <div className="field">
          <label className="check" htmlFor={id}>
            <input
              id={id}
              type="checkbox"
              checked={value === true}
              onChange={(e) => onChange(e.target.checked)}
              data-testid={id}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy}
            />
            <span>{spec.label}</span>
          </label>
          <FieldNotes hint={spec.description} hintId={hintId} error={error} errId={errId} />
        </div>
      );
    case "text":
      input = (
        <input
          {...common}
          type="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={spec.maxLength}
          value={str}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "backup":
      input = (
        <input {...common} type="text" autoComplete="off" spellCheck={false} placeholder="latest" value={str} onChange={(e) => onChange(e.target.value)} />
      );
      break;
    default:
      input = <input {...common} type="text" value={str} onChange={(e) => onChange(e.target.value)} />;
  }

  const range = spec.type === "integer" ? `${spec.min}–${spec.max}` : null;
  return (
    <div className="field">
      <label htmlFor={id}>
        {spec.label}
        {spec.required ? (
          <span className="field__req" aria-hidden="true">
            {" "}
            *
          </span>
        ) : (
          <span className="muted"> (optional)</span>
        )}
        {range && <span className="muted"> · {range}</span>}
      </label>
      {input}
      <FieldNotes hint={spec.description} hintId={hintId} error={error} errId={errId} />
    </div>
  );
}

/** The hint under a parameter and its error line (ids wired to the input's aria-describedby). */
function FieldNotes({ hint, hintId, error, errId }: { hint: string | undefined; hintId: string; error: string | null | undefined; errId: string }) {
  return (
    <>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={errId} data-testid={errId}>
          {error}
        </p>
      )}
    </>
  );
}
