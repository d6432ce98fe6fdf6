import { lazy, Suspense, useMemo } from "react";
import type { DeliveryReportView, DoraPeriodView } from "@ops/contract";
import { useNow } from "../../../lib/clock.ts";
import { Link } from "../../../lib/router.tsx";
import { proposalPath, targetPath } from "../../../lib/routes.ts";
import { Allowed } from "../../../ui/Fields.tsx";
import { LoadingOrError, QueryBody } from "../../../ui/QueryState.tsx";
import { Table, TimeCell } from "../../../ui/Table.tsx";
import { BandBadge } from "../components/BandBadge.tsx";
import { bandText, changeRows, failureText, METRICS, metricBasis, metricValue, RESULT_LABEL, SOURCE_LABEL, trendRows } from "../delivery.ts";
import { useDeliveryReport, useGovernanceChanges, useRecentChanges } from "../queries.ts";

// Recharts is the heaviest dependency: loaded when the trends are drawn.
const TrendCharts = lazy(() => import("../components/TrendCharts.tsx"));

export function DeliveryPage() {
  return (
    <Allowed permission="targets:read" action="view delivery metrics">
      <Delivery />
    </Allowed>
  );
}

function Period({ title, p, id }: { title: string; p: DoraPeriodView; id: string }) {
  return (
    <section className="card dora-period" aria-labelledby={`dora-${id}-h`} data-testid={`dora-${id}`}>
      <h2 id={`dora-${id}-h`}>{title}</h2>
      <dl className="dora-keys">
        {METRICS.map((m) => {
          const band = p[m.key].band;
          return (
            <div key={m.key} className="dora-key" data-testid={`dora-${id}-${m.key}`}>
              <dt>{m.title}</dt>
              <dd>
                <span className="dora-key__value">{metricValue(p, m.key)}</span>
                <BandBadge band={band} testId={`dora-${id}-${m.key}-band`} />
                <span className="dora-key__basis muted">{metricBasis(p, m.key)}</span>
                <span className="dora-key__meaning muted">{bandText(band, m.key)}</span>
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

function Changes({ report, now }: { report: DeliveryReportView | undefined; now: number }) {
  const deployments = useRecentChanges();
  const governance = useGovernanceChanges();
  const failed = useMemo(() => new Set(report?.days30.changeFailureRate.failedIds ?? []), [report]);
  const rows = useMemo(() => changeRows(deployments.data ?? [], governance.data ?? [], failed), [deployments.data, governance.data, failed]);
  return (
    <section className="card" aria-labelledby="dora-changes-h">
      <div className="card__head">
        <h2 id="dora-changes-h">Recent changes</h2>
        <span className="muted">deploys from CI, versions the probes saw, applied governance changes</span>
      </div>
      {deployments.data === undefined ? (
        <LoadingOrError query={deployments} what="changes" action="view delivery metrics" testId="dora-changes-error" />
      ) : rows.length === 0 ? (
        <p className="empty" data-testid="dora-changes-empty">
          No change recorded yet. CI records deploys with POST /api/deployments (an API token with deployments:write); version changes the probes see and
          applied governance changes appear here on their own.
        </p>
      ) : (
        <Table heads={["When", "Change", "Failed?", "Result", "Source"]} testId="dora-changes" className="dora-changes">
          {rows.map((r) => (
            <tr key={r.key} data-testid={`dora-change-${r.key}`} data-failed={String(r.failed)} className={r.failed ? "dora-change--failed" : undefined}>
              <TimeCell iso={r.at} now={now} />
              <td>
                {r.proposalId !== null ? (
                  <Link to={proposalPath(r.proposalId)}>{r.what}</Link>
                ) : (
                  <>
                    <Link to={targetPath(r.what)}>{r.what}</Link> <span className="muted">{r.version}</span>
                  </>
                )}
              </td>
              <td>{r.failed ? <strong className="dora-failed">{failureText(r)}</strong> : <span className="muted">{failureText(r)}</span>}</td>
              <td>{RESULT_LABEL[r.result] ?? r.result}</td>
              <td>{SOURCE_LABEL[r.source] ?? r.source}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function Delivery() {
  const q = useDeliveryReport();
  const now = useNow();
  const rows = useMemo(() => trendRows(q.data?.weeks ?? []), [q.data]);
  return (
    <div className="page dora-page" data-testid="delivery-page">
      <header className="page__head">
        <h1>Delivery</h1>
        <p className="muted">
          The four DORA keys over the last 7 and 30 days, with the elite / high / medium / low bands. A change fails when it fails or is rolled back, or when an
          incident on its targets follows it.
        </p>
      </header>
      <QueryBody query={q} what="delivery metrics" action="view delivery metrics" errorTestId="delivery-error" empty={null}>
        {(report) => (
          <>
            <div className="dora-periods">
              <Period title="Last 7 days" p={report.week} id="week" />
              <Period title="Last 30 days" p={report.days30} id="days30" />
            </div>
            <section className="card" aria-labelledby="dora-trends-h">
              <div className="card__head">
                <h2 id="dora-trends-h">Week by week</h2>
                <span className="muted">the last {report.weeks.length} weeks, oldest first</span>
              </div>
              <Suspense fallback={<p className="muted">Loading charts…</p>}>
                <TrendCharts rows={rows} />
              </Suspense>
            </section>
          </>
        )}
      </QueryBody>
      <Changes report={q.data} now={now} />
    </div>
  );
}
