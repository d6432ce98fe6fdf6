import { useState } from "react";
import type { FormEvent } from "react";
import { BUDGET_POLICIES, SLO_KINDS } from "@ops/contract";
import type { SloBody } from "@ops/contract";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { InputField } from "../../../ui/Fields.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { bodyOf, formFieldOf, KIND_LABEL, LATENCY_BOUNDS_MS, POLICY_LABEL } from "../slo.ts";
import type { FormErrors, SloForm as Form } from "../slo.ts";

const KIND_OPTIONS = optionsOf(SLO_KINDS, (k) => KIND_LABEL[k]);
const POLICY_OPTIONS = optionsOf(BUDGET_POLICIES, (p) => POLICY_LABEL[p]);
const SELECTOR_OPTIONS = [
  { value: "targets", label: "Named targets" },
  { value: "group", label: "A group" },
];
const GROUP_OPTIONS = [
  { value: "agents", label: "Every agent" },
  { value: "services", label: "Every service" },
  { value: "all", label: "Every target" },
];
const THRESHOLD_OPTIONS = LATENCY_BOUNDS_MS.map((ms) => ({ value: String(ms), label: `${ms} ms` }));

type Props = {
  initial: Form;
  submitLabel: string;
  pending: boolean;
  /** Sends the body; a refusal naming a field is shown at that field. */
  onSubmit: (body: SloBody) => Promise<unknown>;
  onCancel?: () => void;
  /** "create SLOs", for a 403. */
  action: string;
  idPrefix: string;
};

/** The SLO's definition: name, what it covers, the SLI, the objective and window, the error-budget policy. */
export function SloForm({ initial, submitLabel, pending, onSubmit, onCancel, action, idPrefix }: Props) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const id = (name: string) => `${idPrefix}-${name}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const built = bodyOf(form);
    if (built.errors) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    onSubmit(built.body).catch((err: unknown) => {
      const field = err instanceof ApiError ? formFieldOf(err.field) : null;
      if (field && err instanceof ApiError) setErrors({ [field]: fieldErrorMessage(err) });
      else setFailure(actionErrorMessage(err, action));
    });
  };

  return (
    <form className="form slo-form" onSubmit={submit} noValidate data-testid={id("form")}>
      <div className="slo-form__grid">
        <InputField id={id("name")} label="Name" value={form.name} onChange={(v) => set("name", v)} error={errors.name ?? null} maxLength={120} />
        <SelectField
          id={id("selector")}
          label="Covers"
          value={form.selectorType}
          options={SELECTOR_OPTIONS}
          onChange={(v) => set("selectorType", v === "group" ? "group" : "targets")}
        />
        {form.selectorType === "targets" ? (
          <InputField
            id={id("targets")}
            label="Targets (names, comma-separated)"
            value={form.targets}
            onChange={(v) => set("targets", v)}
            error={errors.targets ?? null}
            input={{ placeholder: "alpha, beta" }}
          />
        ) : (
          <SelectField
            id={id("group")}
            label="Group"
            value={form.group}
            options={GROUP_OPTIONS}
            onChange={(v) => set("group", v === "services" ? "services" : v === "all" ? "all" : "agents")}
          />
        )}
        <SelectField
          id={id("kind")}
          label="SLI"
          value={form.kind}
          options={KIND_OPTIONS}
          onChange={(v) => set("kind", v === "latency" ? "latency" : "availability")}
        />
        {form.kind === "latency" && (
          <SelectField
            id={id("threshold")}
            label="Answered within"
            value={form.thresholdMs}
            options={THRESHOLD_OPTIONS}
            onChange={(v) => set("thresholdMs", v)}
            error={errors.thresholdMs ?? null}
          />
        )}
        <InputField
          id={id("objective")}
          label="Objective (%)"
          value={form.objective}
          onChange={(v) => set("objective", v)}
          error={errors.objective ?? null}
          input={{ inputMode: "decimal", placeholder: "99.9" }}
        />
        <InputField
          id={id("window")}
          label="Window (days)"
          value={form.windowDays}
          onChange={(v) => set("windowDays", v)}
          error={errors.windowDays ?? null}
          input={{ inputMode: "numeric", placeholder: "30" }}
        />
        <SelectField
          id={id("policy")}
          label="Error-budget policy"
          value={form.policy}
          options={POLICY_OPTIONS}
          onChange={(v) => set("policy", v === "confirm" ? "confirm" : v === "approval" ? "approval" : "none")}
          hint="What risky runbooks on the covered targets need once the budget is exhausted or a page fires."
        />
      </div>
      <InputField
        id={id("description")}
        label="Description (optional)"
        value={form.description}
        onChange={(v) => set("description", v)}
        error={null}
        rows={2}
        maxLength={2000}
      />
      {failure && (
        <p className="form-error" role="alert" data-testid={id("error")}>
          {failure}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={pending} data-testid={id("submit")}>
          {pending ? "Saving…" : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
