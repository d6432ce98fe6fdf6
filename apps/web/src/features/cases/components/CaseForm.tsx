import { useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { formatKeywords, parseFieldPath, parseKeywords } from "../cases.ts";
import type { CaseField } from "../cases.ts";
import { useCreateCase, useUpdateCase } from "../queries.ts";
import type { Action, Case, CaseInput } from "../types.ts";
import { ActionsEditor } from "./ActionsEditor.tsx";

type Props = {
  /** Editing an existing case when given, creating a new one otherwise. */
  caseId?: string;
  initial: CaseInput;
  readOnly?: boolean;
  onSaved: (c: Case) => void;
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
  const [actions, setActions] = useState<Action[]>(initial.actions);
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
    const input: CaseInput = {
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

  const errorFor = (field: CaseField) =>
    error?.field === field && field !== "actions" ? (
      <p className="field__error" id={`case-${field}-err`} data-testid={`case-${field}-error`}>
        {error.message}
      </p>
    ) : null;
  const invalid = (field: CaseField) => ({
    "aria-invalid": error?.field === field || undefined,
    "aria-describedby": error?.field === field ? `case-${field}-err` : undefined,
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
        <div className="field field--grow">
          <label htmlFor="case-title">Title</label>
          <input id="case-title" value={title} onChange={(e) => setTitle(e.target.value)} disabled={readOnly} maxLength={200} data-testid="case-title" {...invalid("title")} />
          {errorFor("title")}
        </div>
        <div className="field">
          <label htmlFor="case-error-code">Error code</label>
          <input
            id="case-error-code"
            value={errorCode}
            onChange={(e) => setErrorCode(e.target.value)}
            disabled={readOnly}
            className="input-mono"
            data-testid="case-error-code"
            {...invalid("errorCode")}
          />
          {errorFor("errorCode")}
        </div>
      </div>
      <div className="field">
        <label htmlFor="case-signature">Signature</label>
        <input
          id="case-signature"
          value={signature}
          onChange={(e) => setSignature(e.target.value)}
          disabled={readOnly}
          className="input-mono"
          placeholder="Text that identifies the failure in the evidence"
          data-testid="case-signature"
          {...invalid("signature")}
        />
        {errorFor("signature")}
      </div>
      <div className="field">
        <label htmlFor="case-keywords">Keywords</label>
        <input
          id="case-keywords"
          value={keywords}
          onChange={(e) => setKeywords(e.target.value)}
          disabled={readOnly}
          placeholder="comma-separated, e.g. config, corrupt, json"
          data-testid="case-keywords"
          {...invalid("keywords")}
        />
        {errorFor("keywords") ?? <p className="field__hint">Comma-separated; matched against the evidence.</p>}
      </div>
      <div className="field">
        <label htmlFor="case-solution">Solution</label>
        <textarea id="case-solution" rows={4} value={solution} onChange={(e) => setSolution(e.target.value)} disabled={readOnly} data-testid="case-solution" {...invalid("solution")} />
        {errorFor("solution")}
      </div>
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
