import { useState } from "react";
import { HistoryBody } from "../../../app/QueryState.tsx";
import { Link } from "../../../app/router.tsx";
import { casesPath } from "../../../app/routes.ts";
import { formatAgo, formatTimestamp } from "../../../lib/format.ts";
import { useCan } from "../../auth/session.ts";
import { canAddCaseFrom, caseFromDiagnosis, formatConfidence, OUTCOME_LABEL } from "../cases.ts";
import { useCases, useDiagnoses } from "../queries.ts";
import type { Case, Diagnosis } from "../types.ts";
import { CaseForm } from "./CaseForm.tsx";

function DiagnosisItem({ d, now, cases, canWrite }: { d: Diagnosis; now: number; cases: ReadonlyMap<string, Case>; canWrite: boolean }) {
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<Case | null>(null);
  const matched = d.caseId ? cases.get(d.caseId) : undefined;
  return (
    <li className={`dx dx--${d.outcome}`} data-testid="diagnosis" data-outcome={d.outcome}>
      <div className="dx__head">
        <time dateTime={d.at} title={new Date(d.at).toString()} className="dx__time">
          {formatTimestamp(d.at, now)} <span className="muted">({formatAgo(d.at, now)})</span>
        </time>
        <span className={`badge badge--sm dx-outcome dx-outcome--${d.outcome}`} data-testid="diagnosis-outcome">
          {OUTCOME_LABEL[d.outcome] ?? d.outcome}
        </span>
        {d.caseId ? (
          <Link to={casesPath(d.caseId)} className="dx__case" data-testid="diagnosis-case">
            <code>{d.caseId}</code>
            {matched && <span> · {matched.title}</span>}
          </Link>
        ) : (
          <span className="muted">no matching case</span>
        )}
        {d.confidence != null && (
          <span className="dx__confidence" title="How sure the doctor was about the match" data-testid="diagnosis-confidence">
            {formatConfidence(d.confidence)} confidence
          </span>
        )}
      </div>
      {d.detail && <p className="dx__detail">{d.detail}</p>}
      <details className="dx__evidence">
        <summary>Evidence{d.signature ? " and signature" : ""}</summary>
        {d.signature && (
          <p className="dx__signature">
            Signature: <code data-testid="diagnosis-signature">{d.signature}</code>
          </p>
        )}
        <pre className="code-block dx__pre" data-testid="diagnosis-evidence">
          {d.evidence || "(no evidence recorded)"}
        </pre>
      </details>
      {canWrite && canAddCaseFrom(d) && !adding && (
        <div className="dx__tools">
          {added ? (
            <span className="dx__added" role="status">
              Added <Link to={casesPath(added.id)}>{added.id}</Link>.
            </span>
          ) : (
            <button type="button" className="btn btn--sm" onClick={() => setAdding(true)} data-testid="case-from-diagnosis">
              Add case from this diagnosis
            </button>
          )}
        </div>
      )}
      {adding && (
        <div className="dx__form">
          <CaseForm
            initial={caseFromDiagnosis(d)}
            heading={<h3 className="healing__sub">New case from this diagnosis</h3>}
            onSaved={(c) => {
              setAdded(c);
              setAdding(false);
            }}
            onCancel={() => setAdding(false)}
          />
        </div>
      )}
    </li>
  );
}

export function DiagnosesCard({ target, now }: { target: string; now: number }) {
  const q = useDiagnoses(target);
  const cases = useCases();
  const canWrite = useCan("incidents:write");
  const byId = new Map((cases.data ?? []).map((c) => [c.id, c]));

  return (
    <section className="card" aria-labelledby="diagnoses-h" data-testid="diagnoses">
      <div className="card__head">
        <h2 id="diagnoses-h">Doctor</h2>
        <span className="muted">last diagnoses, newest first</span>
      </div>
      <HistoryBody query={q} what="diagnoses" action="view diagnoses" empty="No diagnoses yet: the doctor runs when the target fails." emptyTestId="diagnoses-empty">
        {(diagnoses) => (
          <ul className="dx-list">
            {diagnoses.map((d) => (
              <DiagnosisItem key={d.id} d={d} now={now} cases={byId} canWrite={canWrite} />
            ))}
          </ul>
        )}
      </HistoryBody>
    </section>
  );
}
