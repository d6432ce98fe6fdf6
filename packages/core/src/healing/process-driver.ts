import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { DATA_DIR, childEnvironment, type TargetConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import type { DriverResult } from "./drivers.ts";
import { expandArgv } from "./drivers.ts";

type ProcessRestart = Extract<TargetConfig["restart"], { driver: "process" }>;

export function processLogFile(t: TargetConfig, r: ProcessRestart): string {
  const file = r.logFile ?? join(DATA_DIR, "processes", `${t.name}.log`);
  return isAbsolute(file) ? file : join(DATA_DIR, "..", file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopGroup(pid: number, graceMs: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {}
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) signal("SIGKILL");
}

/**
 * The console as the supervisor: stop the process it started (its whole process group), start the argv
 * again in its own session with its working directory, environment and log file, and remember the pid.
 * The process outlives the worker, as under any supervisor; only the host that started it can restart it.
 */
export async function restartManagedProcess(h: DbHandle, t: TargetConfig, r: ProcessRestart): Promise<DriverResult> {
  const host = hostname();
  const [known] = await h.sql<{ pid: number; host: string }[]>`SELECT pid, host FROM managed_processes WHERE target = ${t.name}`;
  if (known && known.host !== host) return { ok: false, output: `the process was started on ${known.host}; restart it from a worker there` };
  if (known && alive(known.pid)) await stopGroup(known.pid, 10_000);
  return spawnManaged(h, t, r, known ? "restarted" : "started");
}

/** Stop the process the console started (SIGTERM to its group, SIGKILL after 10 s); stopping a stopped one is fine. */
export async function stopManagedProcess(h: DbHandle, t: TargetConfig): Promise<DriverResult> {
  const [known] = await h.sql<{ pid: number; host: string }[]>`SELECT pid, host FROM managed_processes WHERE target = ${t.name}`;
  if (!known) return { ok: true, output: "no process started by the console; nothing to stop" };
  if (known.host !== hostname()) return { ok: false, output: `the process was started on ${known.host}; stop it from a worker there` };
  if (!alive(known.pid)) return { ok: true, output: `pid ${known.pid} is not running` };
  await stopGroup(known.pid, 10_000);
  return { ok: true, output: `stopped pid ${known.pid}` };
}

/** Start the process unless the one the console started is still alive. */
export async function startManagedProcess(h: DbHandle, t: TargetConfig, r: ProcessRestart): Promise<DriverResult> {
  const [known] = await h.sql<{ pid: number; host: string }[]>`SELECT pid, host FROM managed_processes WHERE target = ${t.name}`;
  if (known && known.host === hostname() && alive(known.pid)) return { ok: true, output: `already running as pid ${known.pid}` };
  return spawnManaged(h, t, r, "started");
}

async function spawnManaged(h: DbHandle, t: TargetConfig, r: ProcessRestart, verb: string): Promise<DriverResult> {
  const host = hostname();
  const logFile = processLogFile(t, r);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, "a");
  try {
    const [file, ...args] = expandArgv(r.argv, t);
    const child = spawn(file!, args, {
      cwd: r.cwd,
      env: childEnvironment(r.env),
      stdio: ["ignore", out, out],
      detached: true,
      shell: false,
    });
    const started = await new Promise<{ ok: true; pid: number } | { ok: false; error: string }>((resolve) => {
      child.once("error", (err) => resolve({ ok: false, error: err.message }));
      child.once("spawn", () => resolve({ ok: true, pid: child.pid! }));
    });
    if (!started.ok) return { ok: false, output: `${file}: ${started.error}` };
    child.unref();
    await h.sql`
      INSERT INTO managed_processes (target, pid, host, log_file) VALUES (${t.name}, ${started.pid}, ${host}, ${logFile})
      ON CONFLICT (target) DO UPDATE SET pid = EXCLUDED.pid, host = EXCLUDED.host, started_at = now(), log_file = EXCLUDED.log_file`;
    return { ok: true, output: `${verb} pid ${started.pid} (log ${logFile})` };
  } finally {
    closeSync(out);
  }
}
