import { SEVERITIES } from "@ops/contract";
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { useTargets } from "../../../lib/targets-query.ts";
import { Field } from "../../../ui/Field.tsx";
import { useCreateIncident } from "../queries.ts";
import type { Incident, Severity } from "../types.ts";

type FieldName = "title" | "severity" | "targets" | "summary";
type FormError = { field: FieldName | null; message: string };

const SEVERITY_HINT: Record<Severity, string> = {
  P1: "P1 — critical, MTTR target 4 h",
  P2: "P2 — major, MTTR target 8 h",
  P3: "P3 — minor, MTTR target 24 h",
  P4: "P4 — low, no target",
};

function isField(v: string | undefined): v is FieldName {
  return v === "title" || v === "severity" || v === "targets" || v === "summary";
}

export function NewIncidentForm({ onCreated, onCancel }: { onCreated: (inc: Incident) => void; onCancel: () => void }) {
  const create = useCreateIncident();
  const targets = useTargets();
  const [title, setTitle] = useState("");
  const [severity, setSeverity] = useState<Severity>("P3");
  const [picked, setPicked] = useState<string[]>([]);
  const [summary, setSummary] = useState("");
  const [error, setError] = useState<FormError | null>(null);
  const titleRef = useRef<HTMLInputElement>(null);

  const toggle = (name: string, on: boolean) => setPicked((cur) => (on ? [...cur, name] : cur.filter((n) => n !== name)));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (create.isPending) return;
    if (title.trim() === "") {
      setError({ field: "title", message: "Give it a title, e.g. “beta answers 500 on /health”." });
      titleRef.current?.focus();
      return;
    }
    setError(null);
    // Keep the fleet's order, not the order of clicks.
    const order = (targets.data ?? []).map((t) => t.name);
    const chosen = [...picked].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    create.mutate(
      { title: title.trim(), severity, ...(chosen.length ? { targets: chosen } : {}), ...(summary.trim() ? { summary: summary.trim() } : {}) },
      {
        onSuccess: (inc) => onCreated(inc),
        onError: (err) => {
          if (err instanceof ApiError && isField(err.field)) setError({ field: err.field, message: fieldErrorMessage(err) });
          else setError({ field: null, message: actionErrorMessage(err, "open incidents") });
        },
      },
    );
  };

  const fieldProps = (field: FieldName) => ({ error: error?.field === field ? error.message : null, errorId: `incident-${field}-err` });

  return (
    <section className="card" aria-labelledby="new-incident-h" data-testid="incident-form-card">
      <h2 id="new-incident-h">Open an incident</h2>
      <form className="form" onSubmit={submit} noValidate data-testid="incident-form">
        {error?.field === null && (
          <p className="form-error" role="alert" data-testid="incident-form-error">
            {error.message}
          </p>
        )}
        <div className="form__row">
          <Field id="incident-title" label="Title" className="field--grow" {...fieldProps("title")}>
            {(invalid) => (
              <input
                ref={titleRef}
                id="incident-title"
                type="text"
                autoComplete="off"
                autoFocus
                placeholder="What is broken, in a few words"
                value={title}
                onChange={(e) => setTitle(e.target.value)}
                data-testid="incident-title"
                {...invalid}
              />
            )}
          </Field>
          <Field id="incident-severity" label="Severity" className="field--severity" {...fieldProps("severity")}>
            {(invalid) => (
              <select
                id="incident-severity"
                value={severity}
                onChange={(e) => setSeverity(e.target.value as Severity)}
                data-testid="incident-severity"
                {...invalid}
              >
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {SEVERITY_HINT[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field id="incident-targets" {...fieldProps("targets")}>
          {(invalid) => (
            <fieldset className="target-pick" data-testid="incident-targets" {...invalid}>
              <legend>
                Affected targets <span className="muted">(optional)</span>
              </legend>
              {!targets.data ? (
                <span className="muted">{targets.isError ? "Could not load the fleet." : "Loading fleet…"}</span>
              ) : (
                targets.data.map((t) => (
                  <label key={t.name} className="check target-pick__item">
                    <input
                      type="checkbox"
                      checked={picked.includes(t.name)}
                      onChange={(e) => toggle(t.name, e.target.checked)}
                      data-testid={`incident-target-${t.name}`}
                    />
                    <span className={`target-pick__name target-pick__name--${t.enabled ? t.status : "off"}`}>{t.displayName}</span>
                  </label>
                ))
              )}
            </fieldset>
          )}
        </Field>
        <Field
          id="incident-summary"
          label={
            <>
              Summary <span className="muted">(optional)</span>
            </>
          }
          {...fieldProps("summary")}
        >
          {(invalid) => (
            <textarea
              id="incident-summary"
              rows={3}
              placeholder="What is known so far, impact, who is on it"
              value={summary}
              onChange={(e) => setSummary(e.target.value)}
              data-testid="incident-summary"
              {...invalid}
            />
          )}
        </Field>
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={create.isPending} data-testid="incident-submit">
            {create.isPending ? "Opening…" : "Open incident"}
          </button>
          <button type="button" className="btn" onClick={onCancel} data-testid="incident-cancel">
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
