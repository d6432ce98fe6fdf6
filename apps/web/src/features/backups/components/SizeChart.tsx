import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TooltipContentProps } from "recharts";
import { formatAxisTime, formatTimestamp } from "../../../lib/format.ts";
import { formatSize } from "../backups.ts";
import type { SizePoint } from "../backups.ts";

const AXIS = { stroke: "var(--border-strong)", tick: { fill: "var(--text-3)", fontSize: 10 } } as const;

function SizeTip({ active, payload, now }: Partial<TooltipContentProps<number, string>> & { now: number }) {
  const p = payload?.[0]?.payload as SizePoint | undefined;
  if (!active || !p) return null;
  return (
    <div className="chart-tip">
      <div className="chart-tip__time">{formatTimestamp(new Date(p.ts).toISOString(), now, { withSeconds: false })}</div>
      <span>{formatSize(p.size)}</span>
    </div>
  );
}

/** Each complete backup's size, oldest first (lazy: Recharts is heavy). */
export default function SizeChart({ points, now, testId }: { points: readonly SizePoint[]; now: number; testId?: string }) {
  const from = points[0]?.ts ?? now;
  const to = points[points.length - 1]?.ts ?? now;
  return (
    <div className="chart bk-chart" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={[...points]} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="ts"
            type="number"
            scale="time"
            domain={[from, to]}
            tickFormatter={(v: number) => formatAxisTime(v, to - from)}
            minTickGap={28}
            {...AXIS}
          />
          <YAxis width={62} domain={[0, "auto"]} tickFormatter={(v: number) => formatSize(v)} tickCount={3} {...AXIS} />
          <Tooltip
            content={(props) => <SizeTip active={props.active} payload={props.payload} now={now} />}
            cursor={{ stroke: "var(--text-3)", strokeDasharray: "2 2" }}
            isAnimationActive={false}
          />
          <Area
            type="monotone"
            dataKey="size"
            name="size"
            stroke="var(--accent)"
            strokeWidth={1.5}
            fill="var(--accent)"
            fillOpacity={0.14}
            dot={points.length < 12}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
