import { useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useReturnFocus } from "../../../ui/useReturnFocus.ts";
import { isResolved } from "../incidents.ts";
import { useAcknowledge, useResolve } from "../queries.ts";
import type { Incident } from "../types.ts";

function ResolveControl({ inc, onError }: { inc: Incident; onError: (message: string | null) => void }) {
  const resolve = useResolve(inc.id);
  const [asking, setAsking] = useState(false);
  const [summary, setSummary] = useState("");
  const opener = useReturnFocus(asking);

  if (!asking) {
    return (
      <button
        ref={opener}
        type="button"
        className="btn btn--md"
        onClick={() => {
          onError(null);
          setAsking(true);
        }}
        disabled={resolve.isPending}
        data-testid="incident-resolve"
      >
        {resolve.isPending ? "Resolving…" : "Resolve"}
      </button>
    );
  }
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onError(null);
    resolve.mutate(summary, {
      onSuccess: () => {
        setAsking(false);
        setSummary("");
      },
      onError: (err) => onError(actionErrorMessage(err, "resolve incidents")),
    });
  };
  return (
    <form
      className="resolve"
      onSubmit={submit}
      onKeyDown={(e) => e.key === "Escape" && setAsking(false)}
      aria-label={`Resolve ${inc.key}`}
      data-testid="incident-resolve-form"
    >
      <label htmlFor="incident-resolve-summary" className="resolve__q">
        Resolve {inc.key}? <span className="muted">Closing summary (optional):</span>
      </label>
      <textarea
        id="incident-resolve-summary"
        rows={2}
        autoFocus
        placeholder={inc.summary ?? "Cause and fix, for the postmortem"}
        value={summary}
        onChange={(e) => setSummary(e.target.value)}
        data-testid="incident-resolve-summary"
      />
      <div className="resolve__actions">
        <button type="submit" className="btn btn--md btn--ok" disabled={resolve.isPending} data-testid="incident-resolve-confirm">
          {resolve.isPending ? "Resolving…" : "Resolve incident"}
        </button>
        <button type="button" className="btn btn--md" onClick={() => setAsking(false)} disabled={resolve.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Acknowledge while open, resolve until resolved; only rendered for incidents:write. */
export function IncidentActions({ inc }: { inc: Incident }) {
  const ack = useAcknowledge(inc.id);
  const [error, setError] = useState<string | null>(null);
  if (isResolved(inc)) return null;
  return (
    <div className="inc-actions" data-testid="incident-actions">
      <div className="inc-actions__buttons">
        {inc.status === "open" && (
          <button
            type="button"
            className="btn btn--md btn--primary"
            disabled={ack.isPending}
            onClick={() => {
              setError(null);
              ack.mutate(undefined, { onError: (err) => setError(actionErrorMessage(err, "acknowledge incidents")) });
            }}
            data-testid="incident-ack"
          >
            {ack.isPending ? "Acknowledging…" : "Acknowledge"}
          </button>
        )}
        <ResolveControl inc={inc} onError={setError} />
      </div>
      {error && (
        <p className="inline-error" role="alert" data-testid="incident-action-error">
          {error}
        </p>
      )}
    </div>
  );
}
