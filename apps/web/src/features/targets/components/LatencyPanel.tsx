import { lazy, Suspense } from "react";
import { errorMessage } from "../../../lib/api.ts";
import { formatDuration, formatLatency } from "../../../lib/format.ts";
import type { TargetSamples } from "@ops/contract";
import { RANGES, useSamples } from "../queries.ts";
import type { RangeKey } from "../queries.ts";
import { hasSamples, sampleStats, toChartPoints } from "../samples.ts";

// Recharts is the heaviest dependency; the board never needs it.
const LatencyChart = lazy(() => import("./LatencyChart.tsx"));

const KEYS = Object.keys(RANGES) as RangeKey[];

type Props = { name: string; range: RangeKey; onRange: (r: RangeKey) => void; now: number; warningMs: number };

function Stats({ data }: { data: TargetSamples }) {
  const s = sampleStats(toChartPoints(data.points), data.bucketMs);
  return (
    <dl className="chart-stats">
      <div>
        <dt>avg</dt>
        <dd>{formatLatency(s.avg)}</dd>
      </div>
      <div>
        <dt>peak</dt>
        <dd>{formatLatency(s.peak)}</dd>
      </div>
      <div>
        <dt>not ok</dt>
        <dd className={s.notOkMs > 0 ? "text-warning" : undefined}>{s.notOkMs > 0 ? `≈ ${formatDuration(s.notOkMs)}` : "0"}</dd>
      </div>
      <div>
        <dt>probes</dt>
        <dd>{s.probes.toLocaleString("en-US")}</dd>
      </div>
    </dl>
  );
}

export function LatencyPanel({ name, range, onRange, now, warningMs }: Props) {
  const q = useSamples(name, range);
  const body = (() => {
    if (q.isPending) return <div className="chart-empty">Loading samples…</div>;
    if (q.isError && !q.data) return <div className="chart-empty inline-error">Could not load samples: {errorMessage(q.error)}</div>;
    if (!hasSamples(q.data))
      return (
        <div className="chart-empty" data-testid="chart-empty">
          no samples yet
        </div>
      );
    return (
      <Suspense fallback={<div className="chart-empty">Loading chart…</div>}>
        <LatencyChart data={q.data} now={now} warningMs={warningMs} />
      </Suspense>
    );
  })();

  return (
    <section className="card" aria-labelledby="latency-h">
      <div className="card__head">
        <h2 id="latency-h">Latency</h2>
        {q.data && hasSamples(q.data) && <Stats data={q.data} />}
        <div className="segmented" role="group" aria-label="Time range">
          {KEYS.map((k) => (
            <button key={k} type="button" aria-pressed={k === range} data-testid={`range-${k}`} onClick={() => onRange(k)}>
              {RANGES[k].label}
            </button>
          ))}
        </div>
      </div>
      <div className={q.isPlaceholderData ? "chart-wrap is-loading" : "chart-wrap"}>{body}</div>
      {q.isError && q.data && <p className="inline-error">Refresh failed: {errorMessage(q.error)} — showing the last samples.</p>}
      {hasSamples(q.data) && (
        <ul className="legend" aria-label="Chart legend">
          <li>
            <span className="legend__line legend__line--avg" /> average
          </li>
          <li>
            <span className="legend__line legend__line--max" /> max
          </li>
          <li>
            <span className="legend__swatch legend__swatch--warning" /> warning
          </li>
          <li>
            <span className="legend__swatch legend__swatch--critical" /> critical
          </li>
          <li>
            <span className="legend__swatch legend__swatch--down" /> down
          </li>
        </ul>
      )}
    </section>
  );
}
