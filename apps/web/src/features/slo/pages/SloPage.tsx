import { lazy, Suspense, useState } from "react";
import type { SloDefinition, SloStatus } from "@ops/contract";
import { ApiError, actionErrorMessage, isVersionConflict } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { Link, navigate } from "../../../lib/router.tsx";
import { incidentPath, slosPath, targetPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { ConfirmButton } from "../../../ui/ConfirmButton.tsx";
import { ActionError, Allowed } from "../../../ui/Fields.tsx";
import { HistoryBody, RefreshFailed, TimeAgo } from "../../../ui/QueryState.tsx";
import { RecordLoadState } from "../../../ui/RecordLoadState.tsx";
import { Table, TimeCell } from "../../../ui/Table.tsx";
import { AlertBadge } from "../components/AlertBadge.tsx";
import { BudgetBar } from "../components/BudgetBar.tsx";
import { SloForm } from "../components/SloForm.tsx";
import { useDeleteSlo, useSlo, useSloAlerts, useUpdateSlo } from "../queries.ts";
import {
  alertSubject,
  BURN_WINDOW_NAMES,
  formatBudgetMinutes,
  formatBudgetPercent,
  formatBurnRate,
  formatObjective,
  formatSli,
  formOf,
  kindText,
  liftedAt,
  patchOf,
  POLICY_LABEL,
  policyWords,
  ruleLabel,
  selectorText,
  sloAlertHistory,
  thresholdsOf,
  windowAdjective,
  windowText,
} from "../slo.ts";

// Recharts is the heaviest dependency: loaded when the burn-down is drawn.
const BurnDownChart = lazy(() => import("../components/BurnDownChart.tsx"));

export function SloPage({ id }: { id: number }) {
  return (
    <Allowed permission="targets:read" action="view SLOs">
      <Slo id={id} />
    </Allowed>
  );
}

function Budget({ status }: { status: SloStatus }) {
  const b = status.budget;
  return (
    <section className="card" aria-labelledby="slo-budget-h" data-testid="slo-budget">
      <h2 id="slo-budget-h">Error budget</h2>
      <div className="slo-budget">
        <p className="slo-budget__big">
          <span data-testid="slo-budget-remaining">{formatBudgetPercent(b.remainingPercent)}</span> <span className="muted">left</span>
        </p>
        <BudgetBar remainingPercent={b.remainingPercent} />
        <dl className="kv kv--compact">
          <dt>Total</dt>
          <dd>{formatBudgetMinutes(b.totalMinutes)}</dd>
          <dt>Spent</dt>
          <dd data-testid="slo-budget-spent">
            {formatBudgetMinutes(b.spentMinutes)} ({formatBudgetPercent(b.spentPercent)})
          </dd>
          <dt>Remaining</dt>
          <dd>{b.exhausted ? <strong className="slo-exhausted">exhausted</strong> : formatBudgetMinutes(b.remainingMinutes)}</dd>
          <dt>SLI now</dt>
          <dd>
            {formatSli(status.sli)} <span className="muted">over {status.validProbes.toLocaleString("en-GB")} valid probes</span>
          </dd>
        </dl>
      </div>
    </section>
  );
}

function BurnDown({ slo, status, now }: { slo: SloDefinition; status: SloStatus; now: number }) {
  const points = status.burnDown ?? [];
  return (
    <section className="card" aria-labelledby="slo-burndown-h">
      <div className="card__head">
        <h2 id="slo-burndown-h">Burn-down</h2>
        <span className="muted">remaining budget, hourly, over the {windowAdjective(slo.windowDays)} window</span>
      </div>
      {points.length < 2 ? (
        <p className="chart-empty slo-chart-empty">Not enough data yet: the burn-down starts with the first probes.</p>
      ) : (
        <Suspense fallback={<p className="chart-empty slo-chart-empty">Loading chart…</p>}>
          <BurnDownChart points={points} totalMinutes={status.budget.totalMinutes} windowDays={slo.windowDays} now={now} />
        </Suspense>
      )}
    </section>
  );
}

function BurnRates({ status }: { status: SloStatus }) {
  return (
    <section className="card" aria-labelledby="slo-rates-h">
      <div className="card__head">
        <h2 id="slo-rates-h">Burn rates</h2>
        <span className="muted">1× spends the budget exactly over the window</span>
      </div>
      <Table heads={["Window", "Burn rate", "Thresholds"]} testId="slo-rates" className="slo-rates-table">
        {BURN_WINDOW_NAMES.map((w) => {
          const rate = status.burnRates[w];
          const rules = thresholdsOf(status, w);
          return (
            <tr key={w} data-testid={`slo-rate-${w}`}>
              <th scope="row">{w}</th>
              <td className="cell-nowrap">{formatBurnRate(rate)}</td>
              <td>
                <ul className="slo-thresholds">
                  {rules.map((r) => {
                    const over = rate >= r.factor;
                    return (
                      <li key={r.rule} className={over ? "slo-threshold slo-threshold--over" : "slo-threshold"}>
                        {formatBurnRate(r.factor)} {ruleLabel(r.rule)}
                        {over ? <strong> — reached</strong> : <span className="muted"> — not reached</span>}
                        {r.firing && <strong> (firing)</strong>}
                      </li>
                    );
                  })}
                </ul>
              </td>
            </tr>
          );
        })}
      </Table>
    </section>
  );
}

function Alerts({ status, now }: { status: SloStatus; now: number }) {
  return (
    <section className="card" aria-labelledby="slo-alerts-h">
      <div className="card__head">
        <h2 id="slo-alerts-h">Alerts</h2>
        <AlertBadge status={status} testId="slo-alert-state" />
      </div>
      <Table heads={["Rule", "Fires when", "State", "Last sent"]} testId="slo-alerts" className="slo-alerts-table">
        {status.alerts.map((a) => (
          <tr key={a.rule} data-testid={`slo-alert-${a.rule}`} data-firing={String(a.firing)}>
            <th scope="row">{ruleLabel(a.rule)}</th>
            <td>
              burn ≥ {formatBurnRate(a.factor)} over {a.long} and {a.short}
            </td>
            <td className="cell-nowrap">
              {a.firing ? (
                <>
                  <strong className="slo-firing">firing</strong>{" "}
                  <span className="cell-note">since {formatTimestamp(a.since, now, { withSeconds: false })}</span>
                </>
              ) : (
                "quiet"
              )}
            </td>
            <td className="cell-nowrap">
              <TimeAgo iso={a.lastNotifiedAt} now={now} />
            </td>
          </tr>
        ))}
      </Table>
      <p className="muted slo-note">A page also opens an incident; pages and tickets go through the alert channels and their cooldowns.</p>
    </section>
  );
}

function AlertHistory({ slo, status, now }: { slo: SloDefinition; status: SloStatus; now: number }) {
  const q = useSloAlerts(alertSubject(slo.name, status.targets));
  const history = q.data ? sloAlertHistory(q.data, slo.name) : undefined;
  return (
    <section className="card" aria-labelledby="slo-history-h">
      <div className="card__head">
        <h2 id="slo-history-h">Alert history</h2>
        <span className="muted">newest first</span>
      </div>
      <HistoryBody
        query={{ ...q, data: history }}
        what="alert history"
        action="view alerts"
        empty="No alert has fired for this SLO."
        emptyTestId="slo-history-empty"
      >
        {(events) => (
          <Table heads={["Time", "Rule", "Sent to", "Incident"]} testId="slo-history" className="slo-history-table">
            {events.map((e) => (
              <tr key={e.key} data-testid={`slo-history-${e.rule}`}>
                <TimeCell iso={e.at} now={now} />
                <td>
                  {ruleLabel(e.rule)}
                  {e.update && <span className="cell-note">sent as an update of an earlier alert (cooldown)</span>}
                </td>
                <td>{e.deliveries.map((d) => `${d.channel} (${d.status})`).join(", ")}</td>
                <td className="cell-nowrap">{e.incidentId !== null ? <Link to={incidentPath(e.incidentId)}>INC-{e.incidentId}</Link> : "—"}</td>
              </tr>
            ))}
          </Table>
        )}
      </HistoryBody>
    </section>
  );
}

function Policy({ slo, status, now, canWrite }: { slo: SloDefinition; status: SloStatus; now: number; canWrite: boolean }) {
  const words = policyWords(slo, status, now);
  const update = useUpdateSlo(slo.id);
  const [hours, setHours] = useState("24");
  const lifted = liftedAt(slo, now);
  const lift = (until: string | null) => update.mutate({ policyLiftedUntil: until, version: slo.version });
  return (
    <section className={`card slo-policy slo-policy--${words.tone}`} aria-labelledby="slo-policy-h" data-testid="slo-policy" data-tone={words.tone}>
      <div className="card__head">
        <h2 id="slo-policy-h">Error-budget policy</h2>
        <span className="slo-policy__name">{POLICY_LABEL[slo.policy]}</span>
      </div>
      <p>{words.rule}</p>
      <p className="slo-policy__now" data-testid="slo-policy-now">
        <strong>{words.now}</strong>
      </p>
      {canWrite && slo.policy !== "none" && (
        <div className="slo-policy__actions">
          {lifted ? (
            <button type="button" className="btn btn--md" disabled={update.isPending} onClick={() => lift(null)} data-testid="slo-policy-restore">
              Restore the policy now
            </button>
          ) : (
            <>
              <div className="field">
                <label htmlFor="slo-lift-hours">Lift for</label>
                <select id="slo-lift-hours" value={hours} onChange={(e) => setHours(e.target.value)} data-testid="slo-lift-hours">
                  <option value="4">4 hours</option>
                  <option value="24">24 hours</option>
                  <option value="72">3 days</option>
                  <option value="168">7 days</option>
                </select>
              </div>
              <ConfirmButton
                label="Lift the policy…"
                question={`Lift the policy for ${hours} h? Risky runbooks on these targets run without it.`}
                confirmLabel="Lift"
                pending={update.isPending}
                onConfirm={() => lift(new Date(now + Number(hours) * 3_600_000).toISOString())}
                testId="slo-lift"
              />
            </>
          )}
          <p className="muted slo-note">Lifting early is a governance decision; it is audited.</p>
        </div>
      )}
      <ActionError mutation={update} action="lift SLO policies" testId="slo-policy-error" />
    </section>
  );
}

function Definition({ slo, status, now }: { slo: SloDefinition; status: SloStatus; now: number }) {
  return (
    <section className="card" aria-labelledby="slo-def-h">
      <h2 id="slo-def-h">Definition</h2>
      <dl className="kv kv--compact">
        <dt>SLI</dt>
        <dd>
          {kindText(slo)} <span className="muted">({slo.kind === "latency" ? "good probes answered within the threshold" : "good probes"} / valid probes)</span>
        </dd>
        <dt>Objective</dt>
        <dd>{formatObjective(slo.objectivePercent)}</dd>
        <dt>Window</dt>
        <dd>{windowText(slo.windowDays)}, rolling</dd>
        <dt>Covers</dt>
        <dd>{selectorText(slo.selector)}</dd>
        <dt>Source</dt>
        <dd>{slo.source === "learning" ? `promoted learning ${slo.learningId ?? ""}` : slo.source === "config" ? "the config" : "created in the dashboard"}</dd>
        <dt>Created</dt>
        <dd>
          by {slo.createdBy}, <TimeAgo iso={slo.createdAt} now={now} />
        </dd>
        <dt>Computed</dt>
        <dd>
          <TimeAgo iso={status.computedAt} now={now} testId="slo-computed" />
        </dd>
      </dl>
      {slo.description && <p className="slo-desc">{slo.description}</p>}
    </section>
  );
}

function Targets({ status }: { status: SloStatus }) {
  return (
    <section className="card" aria-labelledby="slo-targets-h">
      <h2 id="slo-targets-h">Covered targets</h2>
      {status.targets.length === 0 ? (
        <p className="empty">No target matches the selector now.</p>
      ) : (
        <ul className="slo-targets" data-testid="slo-targets">
          {status.targets.map((t) => (
            <li key={t}>
              <Link to={targetPath(t)}>{t}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Manage({ slo }: { slo: SloDefinition }) {
  const [editing, setEditing] = useState(false);
  const update = useUpdateSlo(slo.id);
  const del = useDeleteSlo(slo.id);
  return (
    <section className="card" aria-labelledby="slo-manage-h">
      <h2 id="slo-manage-h">Change</h2>
      {editing ? (
        <SloForm
          key={slo.version}
          initial={formOf(slo)}
          submitLabel="Save"
          pending={update.isPending}
          action="change SLOs"
          idPrefix="slo-edit"
          onCancel={() => setEditing(false)}
          onSubmit={async (body) => {
            try {
              await update.mutateAsync(patchOf(body, slo.version));
              setEditing(false);
            } catch (err) {
              if (isVersionConflict(err)) throw new ApiError(409, "CONFLICT", "Someone changed this SLO since you opened it: cancel and edit again.");
              throw err;
            }
          }}
        />
      ) : (
        <div className="slo-manage">
          <button type="button" className="btn btn--md" onClick={() => setEditing(true)} data-testid="slo-edit">
            Edit
          </button>
          <ConfirmButton
            label="Delete"
            question="Delete this SLO? Its alerts stop."
            confirmLabel="Delete"
            danger
            pending={del.isPending}
            onConfirm={() => del.mutate(undefined, { onSuccess: () => navigate(slosPath()) })}
            testId="slo-delete"
          />
          {del.isError && <p className="inline-error">{actionErrorMessage(del.error, "delete SLOs")}</p>}
        </div>
      )}
    </section>
  );
}

function BackLink() {
  return (
    <Link to={slosPath()} className="back" data-testid="slo-back">
      ← All SLOs
    </Link>
  );
}

function Slo({ id }: { id: number }) {
  const q = useSlo(id);
  const now = useNow();
  const canWrite = useCan("slos:write");
  if (!q.data)
    return (
      <RecordLoadState
        query={q}
        noun="SLO"
        action="view SLOs"
        testIds={{ notFound: "slo-not-found", error: "slo-error" }}
        back={<BackLink />}
        loading={<p className="muted">Loading SLO…</p>}
      />
    );
  const { slo, status } = q.data;
  return (
    <div className="page slo-page" data-testid="slo-page">
      <BackLink />
      <header className="page__head">
        <h1 data-testid="slo-title">{slo.name}</h1>
        <p className="muted">
          {formatObjective(slo.objectivePercent)} {kindText(slo).toLowerCase()} over {windowText(slo.windowDays)} · {selectorText(slo.selector)}
        </p>
      </header>
      <RefreshFailed query={q} action="view SLOs" />
      <div className="slo-grid">
        <div className="slo-grid__main">
          <BurnDown slo={slo} status={status} now={now} />
          <BurnRates status={status} />
          <Alerts status={status} now={now} />
          <AlertHistory slo={slo} status={status} now={now} />
        </div>
        <aside className="slo-grid__side">
          <div className="slo-grid__first">
            <Budget status={status} />
            <Policy slo={slo} status={status} now={now} canWrite={canWrite} />
          </div>
          <Targets status={status} />
          <Definition slo={slo} status={status} now={now} />
          {canWrite && <Manage slo={slo} />}
        </aside>
      </div>
    </div>
  );
}
