import { useState } from "react";
import type { ChangeEvent } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { SelectField } from "../../../ui/SelectField.tsx";
import { importIssues, importIssueText, importKindOf, importKindOfFile, importResultText } from "../learnings.ts";
import { IMPORT_KIND_OPTIONS } from "../options.ts";
import { useImportLearnings } from "../queries.ts";
import type { LearningFileKind, LearningImportResult } from "@ops/contract";

const CONFLICT_OPTIONS = [
  { value: "skip", label: "Skip them" },
  { value: "replace", label: "Replace them" },
];

/** Import a .learnings file (LEARNINGS.md, OPERATIONS_ISSUES.md, FEATURE_REQUESTS.md): all or nothing. */
export function ImportPanel() {
  const [kind, setKind] = useState<LearningFileKind>("learnings");
  const [content, setContent] = useState("");
  const [onConflict, setOnConflict] = useState<"skip" | "replace">("skip");
  const [fileError, setFileError] = useState<string | null>(null);
  const [result, setResult] = useState<LearningImportResult | null>(null);
  const imp = useImportLearnings();
  const issues = importIssues(imp.error);

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setFileError(null);
    if (!file) return;
    try {
      setContent(await file.text());
      const k = importKindOfFile(file.name);
      if (k) setKind(k);
    } catch {
      setFileError(`Could not read ${file.name}.`);
    }
  };

  const submit = () => {
    setResult(null);
    imp.mutate({ kind, content, onConflict }, { onSuccess: setResult });
  };

  return (
    <section className="card lrn-import" aria-labelledby="lrn-import-h" data-testid="lrn-import">
      <h2 id="lrn-import-h">Import</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="form__row">
          <SelectField id="lrn-import-kind" label="File" value={kind} options={IMPORT_KIND_OPTIONS} onChange={(k) => setKind(importKindOf(k))} />
          <SelectField
            id="lrn-import-conflict"
            label="Entries that exist already"
            value={onConflict}
            options={CONFLICT_OPTIONS}
            onChange={(v) => setOnConflict(v === "replace" ? "replace" : "skip")}
          />
        </div>
        <div className="field">
          <label htmlFor="lrn-import-file">Choose a file…</label>
          <input
            id="lrn-import-file"
            type="file"
            accept=".md,.markdown,.txt,text/markdown,text/plain"
            onChange={(e) => void onFile(e)}
            data-testid="lrn-import-file"
          />
          {fileError && <p className="field__error">{fileError}</p>}
        </div>
        <div className="field">
          <label htmlFor="lrn-import-text">…or paste its text</label>
          <textarea
            id="lrn-import-text"
            rows={6}
            value={content}
            onChange={(e) => setContent(e.target.value)}
            spellCheck={false}
            className="lrn-import__text"
            data-testid="lrn-import-text"
          />
        </div>
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={imp.isPending || content.trim() === ""} data-testid="lrn-import-submit">
            {imp.isPending ? "Importing…" : "Import"}
          </button>
          {result && (
            <span role="status" data-testid="lrn-import-result">
              {importResultText(result)}
            </span>
          )}
        </div>
        {imp.isError && (
          <div className="form-error" role="alert" data-testid="lrn-import-error">
            <p>
              {issues.length ? `Nothing was imported: ${actionErrorMessage(imp.error, "import learnings")}` : actionErrorMessage(imp.error, "import learnings")}
            </p>
            {issues.length > 0 && (
              <ul className="lrn-import__issues">
                {issues.map((issue, i) => (
                  <li key={i} data-testid={`lrn-import-issue-${i}`}>
                    {importIssueText(issue)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </form>
    </section>
  );
}
