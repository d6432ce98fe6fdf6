import { useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { Field } from "../../../ui/Field.tsx";
import { formatKeywords, parseFieldPath, parseKeywords } from "../cases.ts";
import type { CaseField } from "../cases.ts";
import { useCreateCase, useUpdateCase } from "../queries.ts";
import type { CaseAction, CaseBody, CaseView } from "@ops/contract";
import { ActionsEditor } from "./ActionsEditor.tsx";

type Props = {
  /** Editing an existing case when given, creating a new one otherwise. */
  caseId?: string;
  initial: CaseBody;
  readOnly?: boolean;
  onSaved: (c: CaseView) => void;
  onCancel?: () => void;
  heading?: ReactNode;
};

type FormError = { field: CaseField | null; index: number | null; message: string };

const FIELD_LABEL: Record<CaseField, string> = {
  title: "Title",
  errorCode: "Error code",
  signature: "Signature",
  keywords: "Keywords",
  solution: "Solution",
  actions: "Actions",
};

export function CaseForm({ caseId, initial, readOnly = false, onSaved, onCancel, heading }: Props) {
  const create = useCreateCase();
  const update = useUpdateCase();
  const [title, setTitle] = useState(initial.title);
  const [errorCode, setErrorCode] = useState(initial.errorCode);
  const [signature, setSignature] = useState(initial.signature ?? "");
  const [keywords, setKeywords] = useState(formatKeywords(initial.keywords));
  const [solution, setSolution] = useState(initial.solution);
  const [actions, setActions] = useState<CaseAction[]>(initial.actions);
  const [error, setError] = useState<FormError | null>(null);
  const pending = create.isPending || update.isPending;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (readOnly || pending) return;
    if (title.trim() === "") {
      setError({ field: "title", index: null, message: "Give the case a title, e.g. “gateway loses its config”." });
      return;
    }
    setError(null);
    const input: CaseBody = {
      title: title.trim(),
      errorCode: errorCode.trim(),
      signature: signature.trim() === "" ? null : signature.trim(),
      keywords: parseKeywords(keywords),
      solution: solution.trim(),
      actions,
    };
    const onError = (err: Error) => {
      const path = err instanceof ApiError ? parseFieldPath(err.field) : null;
      if (err instanceof ApiError && path) {
        const where = path.index != null ? `${FIELD_LABEL[path.field]} #${path.index + 1}` : FIELD_LABEL[path.field];
        setError({ field: path.field, index: path.index, message: `${where}: ${fieldErrorMessage(err)}` });
      } else {
        setError({ field: null, index: null, message: actionErrorMessage(err, caseId ? "edit cases" : "add cases") });
      }
    };
    if (caseId) update.mutate({ id: caseId, patch: input }, { onSuccess: onSaved, onError });
    else create.mutate(input, { onSuccess: onSaved, onError });
  };

  const fieldProps = (field: CaseField) => ({
    error: error?.field === field ? error.message : null,
    errorId: `case-${field}-err`,
    errorTestId: `case-${field}-error`,
  });

  /** A text control's common attributes; its id is also its test id. */
  const control = (id: string, value: string, set: (v: string) => void) => ({
    id,
    value,
    onChange: (e: { target: { value: string } }) => set(e.target.value),
    disabled: readOnly,
    "data-testid": id,
  });

  return (
    <form className="form case-form" onSubmit={submit} noValidate data-testid="case-form" aria-label={caseId ? `Case ${caseId}` : "New case"}>
      {heading}
      {error && (
        <p className="form-error" role="alert" data-testid="case-error" data-field={error.field ?? undefined}>
          {error.message}
        </p>
      )}
      <div className="form__row">
        <Field id="case-title" label="Title" className="field--grow" {...fieldProps("title")}>
          {(invalid) => <input {...control("case-title", title, setTitle)} maxLength={200} {...invalid} />}
        </Field>
        <Field id="case-error-code" label="Error code" {...fieldProps("errorCode")}>
          {(invalid) => <input {...control("case-error-code", errorCode, setErrorCode)} className="input-mono" {...invalid} />}
        </Field>
      </div>
      <Field id="case-signature" label="Signature" {...fieldProps("signature")}>
        {(invalid) => (
          <input
            {...control("case-signature", signature, setSignature)}
            className="input-mono"
            placeholder="Text that identifies the failure in the evidence"
            {...invalid}
          />
        )}
      </Field>
      <Field id="case-keywords" label="Keywords" hint="Comma-separated; matched against the evidence." {...fieldProps("keywords")}>
        {(invalid) => <input {...control("case-keywords", keywords, setKeywords)} placeholder="comma-separated, e.g. config, corrupt, json" {...invalid} />}
      </Field>
      <Field id="case-solution" label="Solution" {...fieldProps("solution")}>
        {(invalid) => <textarea {...control("case-solution", solution, setSolution)} rows={4} {...invalid} />}
      </Field>
      <fieldset className="field case-form__actions">
        <legend>Actions, in order</legend>
        <ActionsEditor
          actions={actions}
          onChange={setActions}
          readOnly={readOnly}
          error={error?.field === "actions" ? { index: error.index, message: error.message } : null}
        />
      </fieldset>
      {!readOnly && (
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={pending} data-testid="case-save">
            {pending ? "Saving…" : caseId ? "Save case" : "Add case"}
          </button>
          {onCancel && (
            <button type="button" className="btn" onClick={onCancel} data-testid="case-cancel">
              Cancel
            </button>
          )}
        </div>
      )}
    </form>
  );
}
