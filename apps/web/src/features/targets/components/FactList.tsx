import type { ReactNode } from "react";
import { currentUptime, DASH, formatAgo, formatDuration, formatLatency, formatTimestamp } from "../../../lib/format.ts";
import { isAlive } from "../../../lib/target-status.ts";
import type { TargetView } from "@ops/contract";

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function When({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <>{DASH}</>;
  return (
    <time dateTime={iso} title={new Date(iso).toString()}>
      {formatTimestamp(iso, now)} <span className="muted">({formatAgo(iso, now)})</span>
    </time>
  );
}

export function FactList({ target: t, now }: { target: TargetView; now: number }) {
  const uptime = isAlive(t) ? currentUptime(t.uptimeMs, t.checkedAt, now) : null;
  return (
    <dl className="facts">
      <Fact label="URL">
        <code className="facts__url">{t.url || DASH}</code>
      </Fact>
      <Fact label="Kind">
        {t.kind} · {t.check} check{t.port != null ? ` · port ${t.port}` : ""}
      </Fact>
      <Fact label="Version" testId="fact-version">
        {t.version ?? DASH}
      </Fact>
      <Fact label="Uptime" testId="fact-uptime">
        {uptime == null ? DASH : formatDuration(uptime)}
      </Fact>
      <Fact label="Ready">{t.ready == null ? DASH : t.ready ? "yes" : <span className="text-warning">no</span>}</Fact>
      <Fact label="Status since">
        <When iso={t.since} now={now} />
      </Fact>
      <Fact label="Last check">
        <When iso={t.checkedAt} now={now} />
        {t.latencyMs != null && <span className="muted"> · {formatLatency(t.latencyMs)}</span>}
      </Fact>
      {t.description && <Fact label="Role">{t.description}</Fact>}
    </dl>
  );
}
