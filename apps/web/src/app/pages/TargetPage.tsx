import { lazy, Suspense } from "react";
import { AlertsCard } from "../../features/cases/components/AlertsCard.tsx";
import { DiagnosesCard } from "../../features/cases/components/DiagnosesCard.tsx";
import { ConfigCard } from "../../features/config-versions/components/ConfigCard.tsx";
import { IncidentBadge } from "../../features/incidents/components/OpenIncidents.tsx";
import { TargetIncidents } from "../../features/incidents/components/TargetIncidents.tsx";
import { openByTarget } from "../../features/incidents/incidents.ts";
import { useOpenIncidents } from "../../features/incidents/queries.ts";
import { EventTimeline } from "../../features/targets/components/EventTimeline.tsx";
import { FactList } from "../../features/targets/components/FactList.tsx";
import { RetryButton } from "../../features/targets/components/HealingActions.tsx";
import { HealingCard } from "../../features/targets/components/HealingCard.tsx";
import { LadderLine } from "../../features/targets/components/LadderLine.tsx";
import { LatencyPanel } from "../../features/targets/components/LatencyPanel.tsx";
import { ResourceBars } from "../../features/targets/components/ResourceBars.tsx";
import { comingUpLabel, reasonLine } from "../../features/targets/healing.ts";
import { isRangeKey, useMonitoring, useTarget } from "../../features/targets/queries.ts";
import type { RangeKey } from "../../features/targets/queries.ts";
import { errorMessage } from "../../lib/api.ts";
import { useNow } from "../../lib/clock.ts";
import { DASH } from "../../lib/format.ts";
import { Link, navigate, useSearchParam } from "../../lib/router.tsx";
import { targetPath } from "../../lib/routes.ts";
import { statusDuration } from "../../lib/target-status.ts";
import { RecordLoadState } from "../../ui/RecordLoadState.tsx";
import { RunRunbookLink } from "../../ui/RunRunbookLink.tsx";
import { StatusBadge } from "../../ui/StatusBadge.tsx";

// The SLOs covering the target: its own chunk, so the first bundle does not carry the SLO feature.
const TargetSlos = lazy(() => import("../../features/slo/components/TargetSlos.tsx"));

function BackLink() {
  return (
    <Link to="/" className="back" data-testid="back-link">
      ← Board
    </Link>
  );
}

export function TargetPage({ name }: { name: string }) {
  const q = useTarget(name);
  const settings = useMonitoring();
  const fleetFile = settings.fleetFile;
  const now = useNow();
  const param = useSearchParam("range");
  const range: RangeKey = isRangeKey(param) ? param : "1h";
  const open = useOpenIncidents();
  const setRange = (r: RangeKey) => navigate(targetPath(name, r === "1h" ? undefined : r), { replace: true });

  if (!q.data) {
    return (
      <RecordLoadState
        query={q}
        noun="target"
        action="view this target"
        testIds={{ notFound: "target-not-found", error: "target-error" }}
        back={<BackLink />}
        loading={`Loading ${name}…`}
        notFoundHint={
          <p className="muted">
            Targets come from {fleetFile ?? "the fleet file"}. <Link to="/">Back to the board</Link>
          </p>
        }
      />
    );
  }

  const t = q.data;
  const duration = statusDuration(t, now);
  const extraFindings = t.findings.filter((f) => f.reason !== t.reason);
  const startingLabel = comingUpLabel(t);
  const reason = reasonLine(t);

  return (
    <div className="target">
      <BackLink />
      <header className={`target-head target-head--${startingLabel ? "starting" : t.status}`}>
        <div className="target-head__title">
          <h1>{t.displayName}</h1>
          {t.displayName !== t.name && <span className="target-head__name">{t.name}</span>}
          <StatusBadge
            status={t.status}
            size="lg"
            testId="target-status"
            label={t.enabled ? (startingLabel ?? undefined) : "Not monitored"}
            tone={startingLabel ? "starting" : undefined}
          />
          {duration && <span className="target-head__for">{duration}</span>}
          <IncidentBadge name={t.name} incidents={openByTarget(open.data).get(t.name)} />
          <RunRunbookLink agent={t.name} testId="target-run-runbook" className="btn btn--md target-head__run" />
        </div>
        <p className="target-head__reason" data-testid="target-reason">
          {t.enabled ? (reason === DASH ? "no reason given" : reason) : t.reason}
          {t.enabled && t.reason && reason !== t.reason && <span className="target-head__probe"> · probe: {t.reason}</span>}
        </p>
        {t.enabled && <LadderLine healing={t.healing} now={now} testId="target-ladder" compact />}
        {extraFindings.length > 0 && (
          <ul className="findings" aria-label="Other findings">
            {extraFindings.map((f) => (
              <li key={`${f.status}-${f.reason}`}>
                <StatusBadge status={f.status} size="sm" /> {f.reason}
              </li>
            ))}
          </ul>
        )}
        {q.isError && <p className="inline-error">Refresh failed: {errorMessage(q.error)} — showing the last known state.</p>}
      </header>

      <div className="target-grid">
        <div className="target-grid__main">
          <LatencyPanel name={t.name} range={range} onRange={setRange} now={now} warningMs={settings.thresholds.responseTimeMs.warning} />
          <HealingCard target={t} now={now} />
          <DiagnosesCard target={t.name} now={now} />
          <ConfigCard target={t.name} now={now} restartNow={<RetryButton target={t} label="Restart now" testId="config-restart" />} />
          <AlertsCard target={t.name} now={now} />
          <section className="card" aria-labelledby="events-h">
            <div className="card__head">
              <h2 id="events-h">Events</h2>
              <span className="muted">newest first</span>
            </div>
            <EventTimeline target={t.name} now={now} />
          </section>
        </div>
        <aside className="target-grid__side">
          <TargetIncidents target={t.name} now={now} />
          <Suspense fallback={null}>
            <TargetSlos target={t.name} />
          </Suspense>
          <section className="card" aria-labelledby="facts-h">
            <h2 id="facts-h">Facts</h2>
            <FactList target={t} now={now} />
          </section>
          <section className="card" aria-labelledby="res-h">
            <h2 id="res-h">Resources</h2>
            <ResourceBars resources={t.resources} thresholds={settings.thresholds} />
          </section>
        </aside>
      </div>
    </div>
  );
}
