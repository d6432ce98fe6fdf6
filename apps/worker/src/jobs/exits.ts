import {
  collectProcessExits,
  describeExit,
  recordExit,
  recordExitObservation,
  narrateOutage,
  probeNow,
  startingTargets,
  withTimeout,
  type LastExit,
} from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";
import { publishIncident, publishProbeOutcome } from "./publish.ts";

type Log = (msg: string, extra?: Record<string, unknown>) => void;

const PROCESS_POLL_MS = 250;
const SIMULATOR_POLL_MS = 500;
/** While a target is starting, it is probed this often (not once an interval): "healthy" shows as soon as it is. */
const STARTING_PROBE_MS = 2000;

type SimAgent = {
  name: string;
  pid: number | null;
  state: string;
  restarts: number;
  lastExitCode: number | null;
  lastSignal: string | null;
  lastError: string | null;
};

/**
 * A crash is an event, not something the next probe finds: where the driver supervises the process (the
 * `process` driver's supervisor, the simulator), an exit turns the target `down` with its exit code and
 * signal at once, ends a start in progress as failed, and hands the ladder the target.
 */
export async function handleExit(rt: WorkerRuntime, name: string, exit: LastExit, log: Log): Promise<void> {
  const target = rt.config.fleet.targets.find((t) => t.name === name && t.enabled);
  if (!target) return;
  const how = describeExit(exit);
  log(`${name}: ${how}`, { target: name, exitCode: exit.code, signal: exit.signal });
  const { attemptKey } = await recordExit(rt.db, name, exit);
  const outcome = await recordExitObservation(rt.db, rt.config, target, how);
  await publishProbeOutcome(rt, outcome, null);
  if (attemptKey) {
    const last = exit.tail
      .filter((l) => l.trim())
      .slice(-3)
      .join(" | ");
    await publishIncident(rt, await narrateOutage(rt.db, name, "restart", "watchdog", `the start failed: ${how}${last ? ` (last lines: ${last})` : ""}`));
  }
}

const ROUND_DEADLINE_MS = 30_000;

export function startExitWatcher(rt: WorkerRuntime, log: Log): () => Promise<void> {
  // One pending timer and one running round per loop; an error (PostgreSQL or Redis away) is logged when it
  // first appears and when it clears, not four times a second for the length of an outage.
  const timers = new Map<string, NodeJS.Timeout>();
  const rounds = new Map<string, Promise<unknown>>();
  let stopped = false;
  const loop = (name: string, everyMs: number, fn: () => Promise<void>) => {
    let failing: string | null = null;
    const tick = async () => {
      if (stopped) return;
      // A round that hangs (a dependency that stopped answering mid-call) must not stop the loop for good.
      const round = withTimeout(ROUND_DEADLINE_MS, fn(), `exit watcher round (${name})`).then(
        () => {
          if (failing !== null) log(`exit watcher (${name}): working again`);
          failing = null;
        },
        (err: unknown) => {
          const message = (err as Error).message;
          if (message !== failing) log(`exit watcher (${name}): ${message}; retrying every ${everyMs} ms`);
          failing = message;
        },
      );
      rounds.set(name, round);
      await round;
      if (!stopped)
        timers.set(
          name,
          setTimeout(() => void tick(), everyMs),
        );
    };
    void tick();
  };
  const targets = rt.config.fleet.targets.filter((t) => t.enabled);
  if (targets.some((t) => t.restart.driver === "process")) {
    loop("processes", PROCESS_POLL_MS, async () => {
      for (const e of await collectProcessExits(rt.db)) {
        if (e.intentional) continue;
        await handleExit(rt, e.target, { pid: e.pid, code: e.code, signal: e.signal, at: e.at.toISOString(), tail: e.tail }, log);
      }
    });
  }
  const simulated = new Set(targets.filter((t) => t.restart.driver === "simulator").map((t) => t.name));
  if (simulated.size > 0) {
    // Each exit is one spawn of the agent (`restarts` counts spawns): an agent that dies within a second of
    // its start is reported even if no poll ever saw it running. Exits from before this worker began are not.
    let handled: Map<string, number> | null = null;
    loop("simulator", SIMULATOR_POLL_MS, async () => {
      let agents: SimAgent[];
      try {
        const res = await fetch(`${rt.config.fleet.simulator.controlUrl}/agents`, { signal: AbortSignal.timeout(2000) });
        agents = ((await res.json()) as { agents: SimAgent[] }).agents;
      } catch {
        return; // the simulator is restarting or gone: the probes say so
      }
      const ended = (a: SimAgent) => a.pid === null && (a.state === "crashed" || a.state === "failed");
      if (handled === null) {
        handled = new Map(agents.filter(ended).map((a) => [a.name, a.restarts]));
        return;
      }
      for (const a of agents) {
        if (!simulated.has(a.name) || !ended(a) || handled.get(a.name) === a.restarts) continue;
        handled.set(a.name, a.restarts);
        // Every worker watches; the first to claim this spawn's exit reports it.
        const claimed = await rt.redis.set(`${rt.env.OPS_REDIS_PREFIX}:exit:${a.name}:${a.restarts}`, "1", "EX", 86_400, "NX");
        if (claimed !== "OK") continue;
        const tail = (a.lastError ?? "").split("\n").filter(Boolean).slice(-40);
        await handleExit(rt, a.name, { pid: null, code: a.lastExitCode, signal: a.lastSignal, at: new Date().toISOString(), tail }, log);
      }
    });
  }
  loop("starting", STARTING_PROBE_MS, async () => {
    const names = (await startingTargets(rt.db.sql)).filter((n) => targets.some((t) => t.name === n));
    if (names.length > 0) await publishProbeOutcome(rt, await probeNow(rt.db, rt.config, names), null);
  });
  return async () => {
    stopped = true;
    for (const t of timers.values()) clearTimeout(t);
    await Promise.all(rounds.values());
  };
}
