import { readWatchState } from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";

type Log = (msg: string, extra?: Record<string, unknown>) => void;

const startedAt = Date.now();
let lastFailure = "";

/**
 * The dead-man's switch: after a probe cycle, ping the configured URL while every shard reports (so an outside
 * service notices when pings stop), or the fail URL while monitoring is stalled. Never throws: a ping that fails
 * is logged when its error changes, with the host only (the path is the secret).
 */
export async function pingDeadMansSwitch(rt: WorkerRuntime, log: Log, watchingSince = startedAt): Promise<"ok" | "fail" | "skipped"> {
  const dms = rt.config.monitoring.deadMansSwitch;
  if (!dms.url && !dms.failUrl) return "skipped";
  const watch = await readWatchState(rt.db, rt.config, { watchingSince });
  const url = watch.state === "stalled" ? dms.failUrl : dms.url;
  if (!url) return "skipped";
  try {
    const res = await fetch(url, {
      method: dms.method,
      signal: AbortSignal.timeout(dms.timeoutMs),
      ...(dms.method === "POST" ? { body: watch.reason, headers: { "content-type": "text/plain" } } : {}),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    if (lastFailure) log(`dead-man's switch ${originOf(url)} reached again`);
    lastFailure = "";
    return watch.state === "stalled" ? "fail" : "ok";
  } catch (err) {
    const failure = `dead-man's switch ${originOf(url)} not reached: ${(err as Error).message}`;
    if (failure !== lastFailure) log(failure);
    lastFailure = failure;
    return "skipped";
  }
}

/** A ping URL's path is its secret (hc-ping.com/<uuid>): logs name the host only. */
function originOf(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "(unparseable URL)";
  }
}
