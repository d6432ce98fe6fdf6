import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TooltipContentProps } from "recharts";
import { formatAxisTime, formatLatency, formatLatencyTick, formatTimestamp } from "../../../lib/format.ts";
import { statusBands, timeTicks, toChartPoints } from "../samples.ts";
import type { ChartPoint } from "../samples.ts";
import type { TargetSamples } from "@ops/contract";
import { StatusBadge } from "../../../ui/StatusBadge.tsx";

const AXIS = { stroke: "var(--border-strong)", tick: { fill: "var(--text-3)", fontSize: 11 } } as const;

function ChartTooltip({ active, payload, now }: Partial<TooltipContentProps<number, string>> & { now: number }) {
  const p = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !p) return null;
  return (
    <div className="chart-tip">
      <div className="chart-tip__time">{formatTimestamp(new Date(p.ts).toISOString(), now, { withSeconds: false })}</div>
      <StatusBadge status={p.status} size="sm" />
      <dl>
        <dt>avg</dt>
        <dd>{formatLatency(p.avg)}</dd>
        <dt>max</dt>
        <dd>{formatLatency(p.max)}</dd>
        <dt>probes</dt>
        <dd>{p.count}</dd>
      </dl>
    </div>
  );
}

export default function LatencyChart({ data, now, warningMs }: { data: TargetSamples; now: number; warningMs: number }) {
  const points = toChartPoints(data.points);
  const bands = statusBands(points, data.bucketMs);
  const from = Date.parse(data.from);
  const to = Date.parse(data.to);
  const span = to - from;

  return (
    <div className="chart" data-testid="latency-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          {bands.map((b) => (
            <ReferenceArea
              key={`${b.x1}-${b.status}`}
              x1={b.x1}
              x2={b.x2}
              fill={`var(--${b.status})`}
              fillOpacity={b.status === "warning" ? 0.16 : 0.28}
              stroke="none"
              ifOverflow="hidden"
            />
          ))}
          <XAxis
            dataKey="ts"
            type="number"
            scale="time"
            domain={[from, to]}
            allowDataOverflow
            ticks={timeTicks(from, to)}
            tickFormatter={(v: number) => formatAxisTime(v, span)}
            minTickGap={24}
            {...AXIS}
          />
          <YAxis width={58} domain={[0, "auto"]} tickFormatter={formatLatencyTick} allowDecimals={false} {...AXIS} />
          <ReferenceLine
            y={warningMs}
            stroke="var(--warning)"
            strokeDasharray="4 4"
            ifOverflow="discard"
            label={{ value: "warning", position: "insideTopRight", fill: "var(--warning)", fontSize: 11 }}
          />
          <Tooltip
            content={(props) => <ChartTooltip active={props.active} payload={props.payload} now={now} />}
            cursor={{ stroke: "var(--text-3)", strokeDasharray: "2 2" }}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="max"
            name="max"
            stroke="var(--text-3)"
            strokeWidth={1}
            strokeDasharray="3 3"
            dot={false}
            activeDot={false}
            isAnimationActive={false}
          />
          <Area
            type="monotone"
            dataKey="avg"
            name="avg"
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
  );
}
