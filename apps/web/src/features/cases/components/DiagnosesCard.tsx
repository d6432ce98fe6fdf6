import { useState } from "react";
import { formatAgo, formatTimestamp } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { casesPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { HistoryBody } from "../../../ui/QueryState.tsx";
import { canAddCaseFrom, caseFromDiagnosis, diagnosisVerdict, formatConfidence, OUTCOME_LABEL } from "../cases.ts";
import { useCases, useDiagnoses } from "../queries.ts";
import type { CaseView, DiagnosisView } from "@ops/contract";
import { CaseForm } from "./CaseForm.tsx";

function Candidates({ d, cases }: { d: DiagnosisView; cases: ReadonlyMap<string, CaseView> }) {
  const list = d.candidates ?? [];
  if (list.length === 0 || (d.outcome !== "unsure" && list.length < 2)) return null;
  return (
    <div className="dx__candidates">
      <p className="dx__candidates-title">{d.outcome === "unsure" ? "Cases that fit, best first:" : "Other cases that fit:"}</p>
      <ol className="dx-cands" data-testid="diagnosis-candidates">
        {list.map((c) => (
          <li key={c.caseId} className="dx-cand" data-testid="diagnosis-candidate">
            <Link to={casesPath(c.caseId)} className="dx__case">
              <code>{c.caseId}</code>
              {cases.get(c.caseId) && <span> · {cases.get(c.caseId)?.title}</span>}
            </Link>
            <span className="dx__confidence">{formatConfidence(c.confidence)}</span>
            {c.matched.length > 0 && (
              <span className="dx-cand__matched">
                matched{" "}
                {c.matched.map((m, i) => (
                  <span key={`${m}-${i}`}>
                    {i > 0 && ", "}
                    <code>{m}</code>
                  </span>
                ))}
              </span>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

function DiagnosisItem({
  d,
  now,
  cases,
  canWrite,
  latest,
}: {
  d: DiagnosisView;
  now: number;
  cases: ReadonlyMap<string, CaseView>;
  canWrite: boolean;
  latest: boolean;
}) {
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<CaseView | null>(null);
  const matched = d.caseId ? cases.get(d.caseId) : undefined;
  const verdict = diagnosisVerdict(d);
  return (
    <li className={`dx dx--${d.outcome}${latest ? " dx--latest" : ""}`} data-testid="diagnosis" data-outcome={d.outcome} data-latest={latest}>
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
          <span className="muted">{d.outcome === "unsure" ? "no case chosen" : "no matching case"}</span>
        )}
        {d.confidence != null && d.outcome !== "unsure" && (
          <span className="dx__confidence" title="How sure the doctor was about the match" data-testid="diagnosis-confidence">
            {formatConfidence(d.confidence)} confidence
          </span>
        )}
      </div>
      {latest && verdict && (
        <p className={`dx__verdict dx__verdict--${d.outcome}`} data-testid="diagnosis-verdict">
          {verdict}
        </p>
      )}
      <Candidates d={d} cases={cases} />
      {d.detail && <p className="dx__detail">{d.detail}</p>}
      <details className="dx__evidence" open={latest && d.outcome !== "fixed"}>
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
        <span className="muted">the latest diagnosis first</span>
      </div>
      <HistoryBody
        query={q}
        what="diagnoses"
        action="view diagnoses"
        empty="No diagnoses yet: the doctor runs when the target fails."
        emptyTestId="diagnoses-empty"
      >
        {(diagnoses) => (
          <ul className="dx-list">
            {diagnoses.map((d, i) => (
              <DiagnosisItem key={d.id} d={d} now={now} cases={byId} canWrite={canWrite} latest={i === 0} />
            ))}
          </ul>
        )}
      </HistoryBody>
    </section>
  );
}
