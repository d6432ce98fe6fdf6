import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { trendSummary } from "../delivery.ts";
import type { TrendRow } from "../delivery.ts";

const AXIS = { stroke: "var(--border-strong)", tick: { fill: "var(--text-3)", fontSize: 10 } } as const;

type Metric = { key: keyof TrendRow; title: string; unit: (v: number) => string; bar?: boolean };

const n = (v: number, d = 1) => v.toFixed(d).replace(/\.0+$/, "");
const CHARTS: readonly Metric[] = [
  { key: "perDay", title: "Deployments a day", unit: (v) => `${n(v, 2)} a day`, bar: true },
  { key: "leadHours", title: "Lead time (hours, median)", unit: (v) => `${n(v)} h` },
  { key: "failurePercent", title: "Change failure rate (%)", unit: (v) => `${n(v)} %` },
  { key: "restoreHours", title: "Time to restore (hours, median)", unit: (v) => `${n(v)} h` },
];

function valueOf(r: TrendRow, key: keyof TrendRow): number | null {
  const v = r[key];
  return typeof v === "number" ? v : null;
}

/** The four keys week by week over the 8 periods (lazy: Recharts is heavy). Each chart says its values in its label. */
export default function TrendCharts({ rows }: { rows: readonly TrendRow[] }) {
  const data = [...rows];
  return (
    <div className="dora-trends" data-testid="dora-trends">
      {CHARTS.map((c) => {
        const summary = trendSummary(c.title, rows, (r) => {
          const v = valueOf(r, c.key);
          return v == null ? "none" : c.unit(v);
        });
        const tip = (
          <Tooltip
            formatter={(v) => (typeof v === "number" ? c.unit(v) : "none")}
            contentStyle={{ background: "var(--surface)", border: "1px solid var(--border-strong)", fontSize: 12 }}
            labelStyle={{ color: "var(--text)" }}
            itemStyle={{ color: "var(--text-2)" }}
            isAnimationActive={false}
          />
        );
        return (
          <figure key={c.key} className="dora-trend" data-testid={`dora-trend-${c.key}`}>
            <figcaption className="dora-trend__title">{c.title}</figcaption>
            <div className="chart dora-trend__plot" role="img" aria-label={summary}>
              <ResponsiveContainer width="100%" height="100%">
                {c.bar ? (
                  <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="var(--grid)" vertical={false} />
                    <XAxis dataKey="label" {...AXIS} minTickGap={4} />
                    <YAxis width={34} allowDecimals {...AXIS} tickCount={3} />
                    {tip}
                    <Bar dataKey={c.key} name={c.title} fill="var(--accent)" isAnimationActive={false} />
                  </BarChart>
                ) : (
                  <LineChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="var(--grid)" vertical={false} />
                    <XAxis dataKey="label" {...AXIS} minTickGap={4} />
                    <YAxis width={34} {...AXIS} tickCount={3} />
                    {tip}
                    <Line
                      type="linear"
                      dataKey={c.key}
                      name={c.title}
                      stroke="var(--accent)"
                      strokeWidth={1.5}
                      dot
                      connectNulls={false}
                      isAnimationActive={false}
                    />
                  </LineChart>
                )}
              </ResponsiveContainer>
            </div>
          </figure>
        );
      })}
    </div>
  );
}
