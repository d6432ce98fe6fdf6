import type { AuditEntry } from "@ops/contract";
import { compactValue, diffObjects } from "../audit.ts";

export function AuditDiff({ entry }: { entry: AuditEntry }) {
  const rows = diffObjects(entry.before, entry.after);
  const raw = { before: entry.before ?? null, after: entry.after ?? null };
  const empty = entry.before == null && entry.after == null;
  return (
    <div className="audit-detail" data-testid="audit-detail">
      {empty ? (
        <p className="muted">No before/after data recorded for this action.</p>
      ) : rows === null ? (
        <pre className="code-block">{JSON.stringify(raw, null, 2)}</pre>
      ) : rows.length === 0 ? (
        <p className="muted">No field changed.</p>
      ) : (
        <table className="diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={`diff--${r.change}`}>
                <th scope="row">{r.key}</th>
                <td className="diff__before">{r.change === "added" ? <span className="muted">—</span> : <code>{compactValue(r.before)}</code>}</td>
                <td className="diff__after">{r.change === "removed" ? <span className="muted">—</span> : <code>{compactValue(r.after)}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="kv kv--compact">
        <dt>Request</dt>
        <dd>
          <code>{entry.requestId ?? "—"}</code>
        </dd>
        <dt>User agent</dt>
        <dd>{entry.userAgent ?? "—"}</dd>
        <dt>Actor id</dt>
        <dd>
          <code>{entry.actor.id ?? "—"}</code>
        </dd>
      </dl>
      {!empty && rows !== null && (
        <details>
          <summary>Raw JSON</summary>
          <pre className="code-block">{JSON.stringify(raw, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
