import type { AuditEntry } from "@ops/contract";
import { EMPTY_AUDIT_FILTER, uniqueSorted } from "../audit.ts";
import type { AuditFilter } from "../audit.ts";
import { useAuditLog } from "../queries.ts";
import { AuditDiff } from "./AuditDiff.tsx";
import { ipColumn, LogTab, useLogFilter } from "./LogTab.tsx";
import type { FilterField } from "./LogTab.tsx";

const KNOWN_ACTIONS = ["auth.password.change", "token.create", "token.revoke", "user.create", "user.password.reset", "user.update"];
const KNOWN_TARGETS = ["token", "user"];

const FIELDS: readonly FilterField<AuditFilter, AuditEntry>[] = [
  { key: "actor", label: "Actor", type: "search", placeholder: "email, token or id" },
  {
    key: "action",
    label: "Action",
    type: "search",
    placeholder: "e.g. user.update",
    suggest: { listId: "audit-actions", values: (entries) => uniqueSorted([...KNOWN_ACTIONS, ...entries.map((e) => e.action)]) },
  },
  {
    key: "targetType",
    label: "Target type",
    type: "search",
    placeholder: "e.g. user",
    suggest: { listId: "audit-targets", values: (entries) => uniqueSorted([...KNOWN_TARGETS, ...entries.map((e) => e.target.type)]) },
  },
  { key: "from", label: "From", type: "datetime-local" },
  { key: "to", label: "To", type: "datetime-local" },
];

export function AuditLogTab() {
  const filter = useLogFilter<AuditFilter>(EMPTY_AUDIT_FILTER);
  const log = useAuditLog(filter.applied);
  return (
    <LogTab<AuditFilter, AuditEntry>
      name="audit"
      filter={filter}
      fields={FIELDS}
      query={log}
      action="read the audit log"
      what="audit log"
      empty={{ all: "Nothing recorded yet.", filtered: "No entries match these filters." }}
      detail={(e) => <AuditDiff entry={e} />}
      columns={[
        {
          head: "Actor",
          cell: (e) => (
            <span className="actor">
              <span className={`actor__type actor__type--${e.actor.type}`}>{e.actor.type}</span> {e.actor.label}
            </span>
          ),
        },
        { head: "Action", cell: (e) => <code className="action">{e.action}</code> },
        {
          head: "Target",
          cell: (e) => (
            <span>
              {e.target.type}
              {e.target.id && <span className="muted"> · {e.target.id}</span>}
            </span>
          ),
        },
        ipColumn(),
      ]}
    />
  );
}
