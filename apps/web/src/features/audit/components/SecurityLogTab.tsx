import { SECURITY_EVENT_KINDS } from "@ops/contract";
import type { SecurityEvent } from "@ops/contract";
import { EMPTY_SECURITY_FILTER } from "../audit.ts";
import type { SecurityFilter } from "../audit.ts";
import { useSecurityLog } from "../queries.ts";
import { ipColumn, LogTab, useLogFilter } from "./LogTab.tsx";
import type { FilterField } from "./LogTab.tsx";

const KIND_TONE: Record<string, string> = {
  "login.failed": "warning",
  "login.rate_limited": "critical",
  "auth.unauthenticated": "unknown",
  "auth.forbidden": "warning",
  "csrf.rejected": "down",
  "ws.rejected": "unknown",
  "session.revoked": "info",
};

function SecurityDetail({ event: e }: { event: SecurityEvent }) {
  return (
    <div className="audit-detail">
      <dl className="kv kv--compact">
        <dt>Detail</dt>
        <dd>{e.detail ?? "—"}</dd>
        <dt>Route</dt>
        <dd>
          <code>{e.route ?? "—"}</code>
        </dd>
        <dt>User agent</dt>
        <dd>{e.userAgent ?? "—"}</dd>
        <dt>Actor id</dt>
        <dd>
          <code>{e.actorId ?? "—"}</code>
        </dd>
        <dt>Event id</dt>
        <dd>
          <code>{String(e.id)}</code>
        </dd>
      </dl>
    </div>
  );
}

const FIELDS: readonly FilterField<SecurityFilter, SecurityEvent>[] = [
  { key: "kind", label: "Kind", type: "select", any: "Any kind", options: SECURITY_EVENT_KINDS },
  { key: "email", label: "Email", type: "search", placeholder: "attempted or actual", autoComplete: "off" },
  { key: "from", label: "From", type: "datetime-local" },
  { key: "to", label: "To", type: "datetime-local" },
];

export function SecurityLogTab() {
  const filter = useLogFilter<SecurityFilter>(EMPTY_SECURITY_FILTER);
  const log = useSecurityLog(filter.applied);
  return (
    <LogTab<SecurityFilter, SecurityEvent>
      name="security"
      filter={filter}
      fields={FIELDS}
      query={log}
      action="read the security log"
      what="security log"
      empty={{ all: "No security events recorded.", filtered: "No events match these filters." }}
      detail={(e) => <SecurityDetail event={e} />}
      columns={[
        { head: "Kind", cell: (e) => <span className={`kind kind--${KIND_TONE[e.kind] ?? "unknown"}`}>{e.kind}</span> },
        { head: "Email", cell: (e) => e.email ?? <span className="muted">—</span> },
        ipColumn(),
        { head: "Route", className: "cell-mono", cell: (e) => e.route ?? <span className="muted">—</span> },
        { head: "Detail", className: "cell-clip", cell: (e) => <span title={e.detail ?? undefined}>{e.detail ?? "—"}</span> },
      ]}
    />
  );
}
