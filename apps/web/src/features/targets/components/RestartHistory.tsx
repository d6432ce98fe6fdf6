import { formatAgo, formatTimestamp } from "../../../lib/format.ts";
import type { RestartView } from "@ops/contract";
import { HistoryBody } from "../../../ui/QueryState.tsx";
import { describeAttempt } from "../healing.ts";
import { useRestarts } from "../queries.ts";

function tailLines(text: string): number {
  return text.split("\n").filter((l) => l.trim() !== "").length;
}

function Attempt({ r, now, isNewest }: { r: RestartView; now: number; isNewest: boolean }) {
  const view = describeAttempt(r, now);
  const output = r.output?.trim() ?? "";
  return (
    <li className={`attempt attempt--${view.tone}`} data-testid="restart-row" data-status={r.status} data-kind={r.kind}>
      <div className="attempt__head">
        <span className={`tag attempt__kind attempt__kind--${r.kind}`}>{r.kind}</span>
        {r.attempt > 0 && <span className="attempt__n">#{r.attempt}</span>}
        <time className="attempt__time" dateTime={r.startedAt} title={new Date(r.startedAt).toString()}>
          {formatTimestamp(r.startedAt, now)} <span className="muted">({formatAgo(r.startedAt, now)})</span>
        </time>
        <span className={`attempt__status attempt__status--${view.tone}`} data-testid="restart-outcome">
          {view.outcome}
        </span>
      </div>
      <p className="attempt__why">
        {r.reason || "no reason recorded"}
        {r.driver && <span className="muted"> · via {r.driver}</span>}
      </p>
      {r.stderrTail && (
        <details className="attempt__more" open={isNewest && view.tone === "bad"}>
          <summary>{tailLines(r.stderrTail) === 1 ? "Its last line before it exited" : `Its last ${tailLines(r.stderrTail)} lines before it exited`}</summary>
          <pre className="code-block attempt__pre" data-testid="restart-stderr">
            {r.stderrTail}
          </pre>
        </details>
      )}
      {output && (
        <details className="attempt__more">
          <summary>Driver output</summary>
          <pre className="code-block attempt__pre" data-testid="restart-output">
            {output}
          </pre>
        </details>
      )}
    </li>
  );
}

/** The target's starts and restarts, newest first: what ended each (healthy, exit, timeout, skipped) and the process's last lines. */
export function RestartHistory({ target, now }: { target: string; now: number }) {
  const q = useRestarts(target);
  return (
    <HistoryBody query={q} what="restarts" action="view restarts" empty="No starts or restarts recorded." emptyTestId="restart-history-empty">
      {(restarts) => (
        <ol className="attempts" data-testid="restart-history">
          {restarts.map((r, i) => (
            <Attempt key={r.id} r={r} now={now} isNewest={i === 0} />
          ))}
        </ol>
      )}
    </HistoryBody>
  );
}
