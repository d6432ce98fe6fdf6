import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TooltipContentProps } from "recharts";
import type { BurnDownPoint } from "@ops/contract";
import { formatAxisTime, formatTimestamp } from "../../../lib/format.ts";
import { burnDownRows, burnDownSummary, formatBudgetMinutes } from "../slo.ts";
import type { BurnDownRow } from "../slo.ts";

const AXIS = { stroke: "var(--border-strong)", tick: { fill: "var(--text-3)", fontSize: 10 } } as const;

function Tip({ active, payload, now }: Partial<TooltipContentProps<number, string>> & { now: number }) {
  const r = payload?.[0]?.payload as BurnDownRow | undefined;
  if (!active || !r) return null;
  return (
    <div className="chart-tip">
      <div className="chart-tip__time">{formatTimestamp(new Date(r.t).toISOString(), now, { withSeconds: false })}</div>
      <dl>
        <dt>Remaining</dt>
        <dd>{r.remaining < 0 ? `exhausted (${formatBudgetMinutes(-r.remaining)} past)` : formatBudgetMinutes(r.remaining)}</dd>
        <dt>Even pace</dt>
        <dd>{formatBudgetMinutes(r.ideal)}</dd>
      </dl>
    </div>
  );
}

type Props = { points: readonly BurnDownPoint[]; totalMinutes: number; windowDays: number; now: number };

/** Remaining budget over the window (hourly), with the straight line that spends it evenly (lazy: Recharts is heavy). */
export default function BurnDownChart({ points, totalMinutes, windowDays, now }: Props) {
  const rows = burnDownRows(points, totalMinutes, windowDays);
  const from = rows[0]?.t ?? now;
  const to = from + windowDays * 24 * 60 * 60 * 1000;
  const low = Math.min(0, ...rows.map((r) => r.remaining));
  const summary = burnDownSummary(points, totalMinutes, windowDays);
  return (
    <figure className="slo-chart" data-testid="slo-burndown">
      <div className="chart slo-chart__plot" role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 12, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[from, to]}
              tickFormatter={(v: number) => formatAxisTime(v, to - from)}
              minTickGap={28}
              {...AXIS}
            />
            <YAxis width={66} domain={[low, totalMinutes]} tickFormatter={(v: number) => formatBudgetMinutes(v)} tickCount={4} {...AXIS} />
            <ReferenceLine y={0} stroke="var(--down)" strokeDasharray="4 3" />
            <Tooltip
              content={(props) => <Tip active={props.active} payload={props.payload} now={now} />}
              cursor={{ stroke: "var(--text-3)", strokeDasharray: "2 2" }}
              isAnimationActive={false}
            />
            <Line
              type="linear"
              dataKey="ideal"
              name="even pace"
              stroke="var(--text-3)"
              strokeDasharray="5 4"
              strokeWidth={1.25}
              dot={false}
              isAnimationActive={false}
            />
            <Area
              type="stepAfter"
              dataKey="remaining"
              name="remaining"
              stroke="var(--accent)"
              strokeWidth={1.75}
              fill="var(--accent)"
              fillOpacity={0.14}
              dot={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="slo-chart__legend">
        <span className="slo-legend">
          <span className="slo-key slo-key--remaining" aria-hidden="true" /> remaining budget
        </span>
        <span className="slo-legend">
          <span className="slo-key slo-key--ideal" aria-hidden="true" /> even pace: the whole budget spent evenly over the window
        </span>
      </figcaption>
    </figure>
  );
}
