import { useState } from "react";
import { navigate } from "../../../app/router.tsx";
import { SelectField } from "../../../app/SelectField.tsx";
import { learningPath } from "../../../app/routes.ts";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useCreateLearning } from "../queries.ts";
import { AREA_OPTIONS, PRIORITY_OPTIONS, TYPE_OPTIONS } from "../options.ts";
import { asLearningType, asPriority } from "../types.ts";
import type { NewLearning } from "../types.ts";

const EMPTY: NewLearning = { type: "LRN", heading: "", priority: "medium", area: "incident_management", summary: "", details: "" };

/** Log a learning, an operations issue or a feature request by hand; opens it once created. */
export function NewLearningForm({ onCancel }: { onCancel: () => void }) {
  const [v, setV] = useState<NewLearning>(EMPTY);
  const create = useCreateLearning();
  const set = (patch: Partial<NewLearning>) => setV((cur) => ({ ...cur, ...patch }));

  return (
    <section className="card" aria-labelledby="lrn-new-h" data-testid="lrn-new-form">
      <h2 id="lrn-new-h">Log an entry</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const details = v.details?.trim();
          create.mutate({ ...v, heading: v.heading.trim(), summary: v.summary.trim(), ...(details ? { details } : { details: undefined }) }, { onSuccess: (l) => navigate(learningPath(l.id)) });
        }}
      >
        <div className="form__row">
          <SelectField id="lrn-new-type" label="Type" value={v.type} options={TYPE_OPTIONS} onChange={(t) => set({ type: asLearningType(t) })} />
          <SelectField id="lrn-new-priority" label="Priority" value={v.priority} options={PRIORITY_OPTIONS} onChange={(p) => set({ priority: asPriority(p) })} />
          <SelectField id="lrn-new-area" label="Area" value={v.area} options={AREA_OPTIONS} onChange={(area) => set({ area })} />
        </div>
        <div className="field">
          <label htmlFor="lrn-new-heading">Heading</label>
          <input
            id="lrn-new-heading"
            type="text"
            value={v.heading}
            maxLength={120}
            pattern="[^\]]+"
            title="One line, without ]"
            onChange={(e) => set({ heading: e.target.value })}
            required
            data-testid="lrn-new-heading"
          />
        </div>
        <div className="field">
          <label htmlFor="lrn-new-summary">Summary</label>
          <textarea id="lrn-new-summary" rows={2} value={v.summary} onChange={(e) => set({ summary: e.target.value })} required data-testid="lrn-new-summary" />
        </div>
        <div className="field">
          <label htmlFor="lrn-new-details">Details (optional, markdown)</label>
          <textarea id="lrn-new-details" rows={4} value={v.details ?? ""} onChange={(e) => set({ details: e.target.value })} data-testid="lrn-new-details" />
        </div>
        {create.isError && (
          <p className="form-error" role="alert" data-testid="lrn-new-error">
            {actionErrorMessage(create.error, "log learnings")}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={create.isPending} data-testid="lrn-new-submit">
            {create.isPending ? "Saving…" : "Log it"}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
