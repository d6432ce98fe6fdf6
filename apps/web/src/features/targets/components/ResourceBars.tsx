import { formatPercent } from "../../../lib/format.ts";
import { levelOf, RESOURCE_LABELS } from "../../../lib/target-status.ts";
import type { ResourceKey } from "../../../lib/target-status.ts";
import type { Resources, ThresholdLevel } from "@ops/contract";

const KEYS = Object.keys(RESOURCE_LABELS) as ResourceKey[];

export function ResourceBars({ resources, thresholds }: { resources: Resources; thresholds: Record<ResourceKey, ThresholdLevel> }) {
  const reported = KEYS.filter((k) => typeof resources[k] === "number");
  if (reported.length === 0) {
    return <p className="muted">This target does not report CPU, memory or disk usage.</p>;
  }
  return (
    <ul className="resources">
      {KEYS.map((key) => {
        const th = { label: RESOURCE_LABELS[key], ...thresholds[key] };
        const value = resources[key];
        if (typeof value !== "number") {
          return (
            <li key={key} className="resource resource--none">
              <span className="resource__label">{th.label}</span>
              <span className="resource__value muted">not reported</span>
            </li>
          );
        }
        const level = levelOf(value, th);
        const pct = Math.min(100, Math.max(0, value));
        return (
          <li key={key} className={`resource resource--${level}`} data-testid={`resource-${key}`} data-level={level}>
            <span className="resource__label">{th.label}</span>
            <span className="resource__value">
              {formatPercent(value)}
              {level !== "ok" && <span className="resource__level"> {level}</span>}
            </span>
            <div
              className="bar"
              role="meter"
              aria-label={`${th.label} usage`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={value}
              title={`warning at ${th.warning} %, critical at ${th.critical} %`}
            >
              <div className="bar__fill" style={{ width: `${pct}%` }} />
              <span className="bar__mark bar__mark--warning" style={{ left: `${th.warning}%` }} />
              <span className="bar__mark bar__mark--critical" style={{ left: `${th.critical}%` }} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
