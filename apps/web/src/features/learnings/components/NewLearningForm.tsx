import { useState } from "react";
import { navigate } from "../../../lib/router.tsx";
import { learningPath } from "../../../lib/routes.ts";
import { Field } from "../../../ui/Field.tsx";
import { SelectField } from "../../../ui/SelectField.tsx";
import { asLearningType, asPriority, EMPTY_NEW_LEARNING, isOneOf, newLearningBody, newLearningError, validateNewLearning } from "../learnings.ts";
import type { NewLearningDraft, NewLearningError } from "../learnings.ts";
import { AREA_OPTIONS, CATEGORY_OPTIONS, PRIORITY_OPTIONS, TYPE_OPTIONS } from "../options.ts";
import { useCreateLearning } from "../queries.ts";
import { LEARNING_AREAS, LEARNING_CATEGORIES } from "@ops/contract";

type FieldName = NonNullable<NewLearningError["field"]>;

/** Log a learning, an operations issue or a feature request by hand; opens it once created. */
export function NewLearningForm({ onCancel }: { onCancel: () => void }) {
  const [v, setV] = useState<NewLearningDraft>(EMPTY_NEW_LEARNING);
  const [error, setError] = useState<NewLearningError | null>(null);
  const create = useCreateLearning();
  /** Editing a field takes its error away; a new type also the heading's, which was about the other control. */
  const set = (patch: Partial<NewLearningDraft>, ...fields: FieldName[]) => {
    setV((cur) => ({ ...cur, ...patch }));
    setError((e) => (e?.field && fields.includes(e.field) ? null : e));
  };
  const errorOf = (field: FieldName) => (error?.field === field ? error.message : null);

  return (
    <section className="card" aria-labelledby="lrn-new-h" data-testid="lrn-new-form">
      <h2 id="lrn-new-h">Log an entry</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (create.isPending) return;
          const body = newLearningBody(v);
          const invalid = validateNewLearning(body);
          setError(invalid);
          if (invalid) return;
          create.mutate(body, { onSuccess: (l) => navigate(learningPath(l.id)), onError: (err) => setError(newLearningError(err)) });
        }}
      >
        <div className="form__row">
          <SelectField
            id="lrn-new-type"
            label="Type"
            value={v.type}
            options={TYPE_OPTIONS}
            onChange={(t) => set({ type: asLearningType(t) }, "type", "heading")}
            error={errorOf("type")}
          />
          <SelectField
            id="lrn-new-priority"
            label="Priority"
            value={v.priority}
            options={PRIORITY_OPTIONS}
            onChange={(p) => set({ priority: asPriority(p) }, "priority")}
            error={errorOf("priority")}
          />
          <SelectField
            id="lrn-new-area"
            label="Area"
            value={v.area}
            options={AREA_OPTIONS}
            onChange={(area) => isOneOf(LEARNING_AREAS, area) && set({ area }, "area")}
            error={errorOf("area")}
          />
        </div>
        {v.type === "LRN" ? (
          <SelectField
            id="lrn-new-category"
            label="Category"
            value={v.category}
            options={CATEGORY_OPTIONS}
            empty="Choose a category…"
            onChange={(c) => set({ category: isOneOf(LEARNING_CATEGORIES, c) ? c : "" }, "heading")}
            error={errorOf("heading")}
            hint={errorOf("heading") ? undefined : "A learning's heading is its category."}
          />
        ) : (
          <Field id="lrn-new-heading" label="Name" error={errorOf("heading")} errorTestId="lrn-new-heading-error">
            {(invalid) => (
              <input
                id="lrn-new-heading"
                type="text"
                value={v.name}
                maxLength={120}
                pattern="[^\]]+"
                title="One line, without ]"
                onChange={(e) => set({ name: e.target.value }, "heading")}
                required
                {...invalid}
                data-testid="lrn-new-heading"
              />
            )}
          </Field>
        )}
        <Field id="lrn-new-summary" label="Summary" error={errorOf("summary")} errorTestId="lrn-new-summary-error">
          {(invalid) => (
            <textarea
              id="lrn-new-summary"
              rows={2}
              value={v.summary}
              onChange={(e) => set({ summary: e.target.value }, "summary")}
              required
              {...invalid}
              data-testid="lrn-new-summary"
            />
          )}
        </Field>
        <Field id="lrn-new-details" label="Details (optional, markdown)" error={errorOf("details")} errorTestId="lrn-new-details-error">
          {(invalid) => (
            <textarea
              id="lrn-new-details"
              rows={4}
              value={v.details ?? ""}
              onChange={(e) => set({ details: e.target.value }, "details")}
              {...invalid}
              data-testid="lrn-new-details"
            />
          )}
        </Field>
        {error?.field === null && (
          <p className="form-error" role="alert" data-testid="lrn-new-error">
            {error.message}
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
