import type { KeyboardEvent } from "react";
import { navigate, useSearchParam } from "../../../lib/router.tsx";
import { useCan } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { AuditLogTab } from "../components/AuditLogTab.tsx";
import { SecurityLogTab } from "../components/SecurityLogTab.tsx";

type Tab = "audit" | "security";
const TABS: { id: Tab; label: string }[] = [
  { id: "audit", label: "Audit log" },
  { id: "security", label: "Security log" },
];

export function AuditPage() {
  const allowed = useCan("audit:read");
  const tab: Tab = useSearchParam("tab") === "security" ? "security" : "audit";
  if (!allowed) return <Forbidden action="read the audit log" />;

  const select = (t: Tab) => {
    navigate(t === "audit" ? "/audit" : "/audit?tab=security", { replace: true });
    document.getElementById(`tab-${t}`)?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") select(tab === "audit" ? "security" : "audit");
  };

  return (
    <div className="page">
      <header className="page__head">
        <h1>Audit</h1>
        <p className="muted">Who changed what (audit log) and what was refused or failed (security log). Newest first.</p>
      </header>
      <div className="tabs" role="tablist" aria-label="Logs" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="tabs__tab"
            onClick={() => select(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <section className="card card--flush">{tab === "audit" ? <AuditLogTab /> : <SecurityLogTab />}</section>
    </div>
  );
}
