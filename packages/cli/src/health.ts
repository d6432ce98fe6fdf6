// `openclaw-ops health`: the seed's health-check.sh — probe the fleet the way the worker does, print status and reason.
import { loadConfig, type OpsConfig, type OpsEnv, type TargetConfig } from "@ops/config";
import { effectiveThresholds, evaluationPolicy, probeTarget, readWatchState } from "@ops/core";
import { createDb, type DbHandle } from "@ops/db";
import { NEVER_PROBED, evaluateProbe, redactText, type Evaluation, type PreviousState, type TargetStatus, type Thresholds } from "@ops/domain";
import { UsageError, parseArgs, valueOf } from "./args.ts";
import type { CommandResult } from "./backup.ts";
import { formatTime, mark, table, type Tone } from "./format.ts";

export type HealthCommand = { target: string | undefined; watchSeconds: number | null; consoleOnly: boolean };

export function parseHealthArgs(argv: readonly string[]): HealthCommand {
  const p = parseArgs(
    argv,
    { "--watch": { takes: "optional", accepts: /^\d+$/, hint: "seconds between rounds" }, "--json": {}, "--console": {} },
    { command: "health", positionals: 1 },
  );
  let watchSeconds: number | null = null;
  if (p.options.has("--watch")) {
    const v = valueOf(p, "--watch") ?? "30";
    if (!/^[1-9]\d{0,5}$/.test(v)) throw new UsageError(`health: --watch ${v}: the interval must be a whole number of seconds, at least 1`);
    watchSeconds = Number(v);
  }
  if (p.options.has("--console") && p.positionals[0]) throw new UsageError("health: --console checks the console itself; it takes no TARGET");
  return { target: p.positionals[0], watchSeconds, consoleOnly: p.options.has("--console") };
}

/** Exit code when the console itself is not watching (probing stalled, or its database does not answer). */
export const NOT_WATCHING = 3;

type ConsoleWatch = { ok: boolean; state: string; since: string | null; reason: string };

/**
 * Is the console still probing? Read from its database (the newest probe result of each shard), the same
 * verdict as the board's banner and /readyz: what a cron job runs to notice that the watcher stopped.
 */
async function consoleWatch(h: DbHandle, config: OpsConfig): Promise<ConsoleWatch> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no answer in 3 s")), 3000)));
    // Measured from the start of time: a shard that never reported is not watched.
    const w = await Promise.race([readWatchState(h, config, { watchingSince: 0 }), timeout]);
    if (w.state !== "stalled") return { ok: true, state: w.state, since: null, reason: w.reason };
    if (w.since === 0)
      return { ok: false, state: "stalled", since: null, reason: "no probe result has ever been recorded: is the console (its worker) running?" };
    return { ok: false, state: "stalled", since: new Date(w.since!).toISOString(), reason: w.reason };
  } catch (err) {
    return { ok: false, state: "unknown", since: null, reason: `cannot read the console's database: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

function renderWatch(w: ConsoleWatch, color: boolean): string {
  return `${mark(w.ok ? "ok" : "error", color)} console: ${w.ok ? (w.state === "idle" ? "nothing to probe" : "probing") : w.reason}`;
}

type TargetHealth = {
  name: string;
  displayName: string | null;
  kind: TargetConfig["kind"];
  check: TargetConfig["check"];
  baseUrl: string;
  status: TargetStatus;
  reason: string;
  findings: Evaluation["findings"];
  latencyMs: number | null;
  version: string | null;
  uptimeMs: number | null;
  ready: boolean | null;
};

const HEALTHY: readonly TargetStatus[] = ["ok", "warning"];
const TONE: Record<TargetStatus, Tone> = { ok: "ok", warning: "warning", critical: "error", down: "error", unknown: "error" };

/** The thresholds in force (an admin may have changed them in the console); the config's when the database cannot say. */
async function thresholdsOf(h: DbHandle, config: OpsConfig): Promise<{ thresholds: Thresholds; note: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no answer in 3 s")), 3000)));
    return { thresholds: await Promise.race([effectiveThresholds(h.sql, config), timeout]), note: null };
  } catch (err) {
    return { thresholds: config.monitoring.thresholds, note: `thresholds from monitoring-config.json; database: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** One round: every target probed (as many at once as the worker would), evaluated against what the last round saw. */
async function probeRound(config: OpsConfig, targets: TargetConfig[], prev: Map<string, PreviousState>, thresholds: Thresholds): Promise<TargetHealth[]> {
  const { timeoutMs, concurrency } = config.monitoring.healthCheck;
  const policy = evaluationPolicy(config, thresholds);
  const out: TargetHealth[] = [];
  for (let i = 0; i < targets.length; i += concurrency) {
    const batch = await Promise.all(
      targets.slice(i, i + concurrency).map(async (t) => {
        const before = prev.get(t.name) ?? NEVER_PROBED;
        const ev = evaluateProbe(await probeTarget(t, before, { timeoutMs }), before, policy);
        prev.set(t.name, ev.next);
        return {
          name: t.name,
          displayName: t.displayName ?? null,
          kind: t.kind,
          check: t.check,
          baseUrl: redactText(t.baseUrl),
          status: ev.status,
          reason: ev.reason,
          findings: ev.findings,
          latencyMs: ev.latencyMs === null ? null : Math.round(ev.latencyMs),
          version: ev.version,
          uptimeMs: ev.uptimeMs,
          ready: ev.ready,
        };
      }),
    );
    out.push(...batch);
  }
  return out;
}

function render(at: number, results: TargetHealth[], notMonitored: string[], note: string | null, color: boolean): string[] {
  const rows = results.map((r) => [
    `${mark(TONE[r.status], color)} ${r.name}`,
    r.status,
    r.latencyMs === null ? "-" : `${r.latencyMs} ms`,
    r.version ?? "-",
    r.reason,
  ]);
  const counts = new Map<TargetStatus, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(", ") || "no enabled targets";
  return [
    `health ${formatTime(at)}${note ? `  (${note})` : ""}`,
    ...table([
      ["  target", "status", "latency", "version", "reason"],
      ...rows,
      ...notMonitored.map((n) => [`${mark("muted", color)} ${n}`, "-", "-", "-", "not monitored (enabled: false)"]),
    ]),
    `${summary}${notMonitored.length ? `; ${notMonitored.length} not monitored` : ""}`,
  ];
}

/** Probe once, or every N seconds until Ctrl-C; each round goes to `emit`. The exit code is the last round's. */
export async function runHealth(cmd: HealthCommand, env: OpsEnv, color: boolean, emit: (r: CommandResult) => void): Promise<number> {
  const config = loadConfig(env.OPS_CONFIG_DIR);
  const all = config.fleet.targets;
  if (cmd.target && !all.some((t) => t.name === cmd.target)) {
    throw new UsageError(`health: no target named "${cmd.target}" in fleet.json (${all.map((t) => t.name).join(", ")})`);
  }
  const chosen = cmd.target ? all.filter((t) => t.name === cmd.target) : all;
  const targets = chosen.filter((t) => t.enabled);
  const notMonitored = chosen.filter((t) => !t.enabled).map((t) => t.name);
  const h = createDb(env.DATABASE_URL, { max: 1, applicationName: "openclaw-ops-cli-health" });
  const prev = new Map<string, PreviousState>();
  let stop: (() => void) | null = null;
  let stopped = false;
  const onSigint = () => {
    if (stopped) process.exit(130);
    stopped = true;
    stop?.();
  };
  process.on("SIGINT", onSigint);
  try {
    for (let round = 0; ; round++) {
      const at = Date.now();
      const watch = await consoleWatch(h, config);
      let code: number;
      if (cmd.consoleOnly) {
        code = watch.ok ? 0 : NOT_WATCHING;
        const lines = [`health ${formatTime(at)}`, renderWatch(watch, color)];
        emit({ code, json: { ok: watch.ok, at: new Date(at).toISOString(), console: watch }, lines: round > 0 ? ["", ...lines] : lines });
      } else {
        const { thresholds, note } = await thresholdsOf(h, config);
        const results = await probeRound(config, targets, prev, thresholds);
        // A target asked for by name that is not monitored cannot be said to be fine.
        const ok = results.every((r) => HEALTHY.includes(r.status)) && !(cmd.target && targets.length === 0);
        // The console's line is for reading here; the exit code is the fleet's (use --console for the console's).
        code = ok ? 0 : 1;
        const lines = [...render(at, results, notMonitored, note, color), renderWatch(watch, color)];
        emit({
          code,
          json: { ok, at: new Date(at).toISOString(), targets: results, notMonitored, note, console: watch },
          lines: round > 0 ? ["", ...lines] : lines,
        });
      }
      if (cmd.watchSeconds === null || stopped) return code;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, cmd.watchSeconds! * 1000);
        stop = () => (clearTimeout(timer), resolve());
      });
      stop = null;
      if (stopped) return code;
    }
  } finally {
    process.off("SIGINT", onSigint);
    await h.close().catch(() => {});
  }
}
