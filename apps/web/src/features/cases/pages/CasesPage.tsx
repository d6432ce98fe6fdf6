import { useState } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { navigate, useSearchParam } from "../../../lib/router.tsx";
import { casesPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { emptyCase } from "../cases.ts";
import { CaseForm } from "../components/CaseForm.tsx";
import { CasesTable } from "../components/CasesTable.tsx";
import { useCases } from "../queries.ts";
import type { CaseView } from "@ops/contract";

const NEW = "new";

function Editor({ open, cases, canWrite }: { open: string; cases: readonly CaseView[] | undefined; canWrite: boolean }) {
  const close = () => navigate(casesPath(), { replace: true });
  if (open === NEW) {
    if (!canWrite) return null;
    return (
      <section className="card case-editor" aria-labelledby="case-editor-h" data-testid="case-editor">
        <h2 id="case-editor-h">New case</h2>
        <CaseForm initial={emptyCase()} onSaved={(c) => navigate(casesPath(c.id), { replace: true })} onCancel={close} />
      </section>
    );
  }
  return <Existing open={open} cases={cases} canWrite={canWrite} close={close} />;
}

function Existing({ open, cases, canWrite, close }: { open: string; cases: readonly CaseView[] | undefined; canWrite: boolean; close: () => void }) {
  const [saved, setSaved] = useState(false);
  if (!cases) return null;
  const c = cases.find((x) => x.id === open);
  if (!c) {
    return (
      <p className="inline-error" role="alert" data-testid="case-not-found">
        No case {open}.
      </p>
    );
  }
  return (
    <section className="card case-editor" aria-labelledby="case-editor-h" data-testid="case-editor" data-case={c.id}>
      <div className="card__head">
        <h2 id="case-editor-h">
          {c.id}
          {c.builtin && <span className="chip case-editor__builtin">built-in</span>}
        </h2>
        {saved && (
          <span className="case-editor__saved" role="status" data-testid="case-saved">
            Saved.
          </span>
        )}
        {!canWrite && <span className="muted">read-only: editing cases needs the incidents:write permission</span>}
        <button type="button" className="btn btn--sm case-editor__close" onClick={close} data-testid="case-close">
          Close
        </button>
      </div>
      <CaseForm key={`${c.id}-${c.updatedAt}`} caseId={c.id} initial={c} readOnly={!canWrite} onSaved={() => setSaved(true)} onCancel={close} />
    </section>
  );
}

export function CasesPage() {
  const q = useCases();
  const canWrite = useCan("incidents:write");
  const open = useSearchParam("case");

  return (
    <div className="page cases">
      <div className="page__head page__head--actions">
        <div>
          <h1>Cases</h1>
          <p className="muted">Known failures the doctor matches against the evidence, and the actions it takes for each.</p>
        </div>
        {canWrite && (
          <button type="button" className="btn btn--primary" onClick={() => navigate(casesPath(NEW))} disabled={open === NEW} data-testid="case-new">
            New case
          </button>
        )}
      </div>
      {open && <Editor key={open} open={open} cases={q.data} canWrite={canWrite} />}
      {!q.data ? (
        q.isError ? (
          <p className="inline-error" role="alert">
            Could not load cases: {actionErrorMessage(q.error, "view cases")}
          </p>
        ) : (
          <p className="muted">Loading cases…</p>
        )
      ) : q.data.length === 0 ? (
        <p className="empty" data-testid="cases-empty">
          No cases yet.
        </p>
      ) : (
        <CasesTable cases={q.data} selected={open} onOpen={(id) => navigate(casesPath(id), { replace: open != null })} />
      )}
    </div>
  );
}
