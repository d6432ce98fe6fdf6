import { useMemo } from "react";
import { BackupsAlert } from "../../features/backups/components/BackupsAlert.tsx";
import { IncidentBadge, OpenIncidentsBanner } from "../../features/incidents/components/OpenIncidents.tsx";
import { openByTarget } from "../../features/incidents/incidents.ts";
import { useOpenIncidents } from "../../features/incidents/queries.ts";
import type { Incident } from "../../features/incidents/types.ts";
import { TargetTile } from "../../features/targets/components/TargetTile.tsx";
import { useMonitoring } from "../../features/targets/queries.ts";
import { actionErrorMessage } from "../../lib/api.ts";
import { useNow } from "../../lib/clock.ts";
import { useCan } from "../../lib/session.ts";
import { countStatuses, staleAfterMs } from "../../lib/target-status.ts";
import { useTargets } from "../../lib/targets-query.ts";
import type { Target } from "../../lib/targets.ts";
import { Forbidden } from "../../ui/Forbidden.tsx";

function summary(targets: readonly Target[], noun: string): string {
  const c = countStatuses(targets);
  const monitored = targets.length - c.disabled;
  const bad = (["down", "critical", "warning", "unknown"] as const).filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  const parts = [bad.length === 0 && monitored > 0 ? `all ${monitored} ok` : `${c.ok} of ${monitored} ok`, ...bad];
  if (c.disabled > 0) parts.push(`${c.disabled} not monitored`);
  return `${targets.length} ${noun} · ${parts.join(" · ")}`;
}

type SectionProps = {
  id: string;
  title: string;
  noun: string;
  targets: Target[];
  now: number;
  staleMs: number;
  incidents: ReadonlyMap<string, Incident[]>;
};

function Section({ id, title, noun, targets, now, staleMs, incidents }: SectionProps) {
  return (
    <section className="section" aria-labelledby={`${id}-h`} data-testid={`section-${id}`}>
      <div className="section__head">
        <h2 id={`${id}-h`}>{title}</h2>
        <span className="section__summary">{summary(targets, noun)}</span>
      </div>
      {targets.length === 0 ? (
        <p className="empty">None configured.</p>
      ) : (
        <div className={`grid grid--${id}`}>
          {targets.map((t) => (
            <TargetTile key={t.name} target={t} now={now} staleAfterMs={staleMs} badge={<IncidentBadge name={t.name} incidents={incidents.get(t.name)} />} />
          ))}
        </div>
      )}
    </section>
  );
}

export function BoardPage() {
  return useCan("targets:read") ? <Board /> : <Forbidden action="view the fleet board" />;
}

function Board() {
  const q = useTargets();
  const now = useNow();
  const staleMs = staleAfterMs(useMonitoring());
  const open = useOpenIncidents();
  const byTarget = useMemo(() => openByTarget(open.data), [open.data]);

  if (!q.data) {
    if (q.isError) {
      return (
        <div className="panel panel--muted" data-testid="board-unavailable">
          <h1>No fleet data yet</h1>
          <p>The board fills in as soon as the API answers. {actionErrorMessage(q.error, "view the fleet board")}</p>
        </div>
      );
    }
    return (
      <div className="panel panel--muted" data-testid="board-loading">
        <p>
          Loading fleet…
          {q.failureCount > 0 &&
            ` The API has not answered yet (attempt ${q.failureCount + 1}: ${actionErrorMessage(q.failureReason, "view the fleet board")}).`}
        </p>
      </div>
    );
  }

  const agents = q.data.filter((t) => t.kind === "agent");
  const services = q.data.filter((t) => t.kind !== "agent");
  return (
    <div className="board">
      <OpenIncidentsBanner incidents={open.data} />
      <BackupsAlert />
      <Section id="agents" title="Agents" noun={agents.length === 1 ? "agent" : "agents"} targets={agents} now={now} staleMs={staleMs} incidents={byTarget} />
      <Section
        id="services"
        title="Services"
        noun={services.length === 1 ? "service" : "services"}
        targets={services}
        now={now}
        staleMs={staleMs}
        incidents={byTarget}
      />
    </div>
  );
}
