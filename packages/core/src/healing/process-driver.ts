import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DATA_DIR, childEnvironment, type TargetConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import { redactText } from "@ops/domain";
import { expandArgv, type DriverResult } from "./argv.ts";

type ProcessRestart = Extract<TargetConfig["restart"], { driver: "process" }>;

const SUPERVISOR = fileURLToPath(new URL("./supervisor.mjs", import.meta.url));
const STOP_GRACE_MS = 10_000;

export function processLogFile(t: TargetConfig, r: ProcessRestart): string {
  const file = r.logFile ?? join(DATA_DIR, "processes", `${t.name}.log`);
  return isAbsolute(file) ? file : join(DATA_DIR, "..", file);
}

export function processStatusFile(t: TargetConfig): string {
  return join(DATA_DIR, "processes", `${t.name}.status.json`);
}

/** What the supervisor wrote: the child's pid while it runs, and how it ended. */
export type SupervisorStatus =
  | { state: "running"; pid: number; supervisorPid: number; startedAt: string }
  | {
      state: "exited";
      pid: number | null;
      supervisorPid: number;
      startedAt: string;
      code: number | null;
      signal: string | null;
      exitedAt: string;
      tail: string[];
      error?: string;
    };

export function readSupervisorStatus(file: string | null): SupervisorStatus | null {
  if (!file || !existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SupervisorStatus;
  } catch {
    return null;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The kernel's start time of a pid (clock ticks since boot): with the pid, it names one process for good. */
export function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** Still the very process the console started: alive, and not a reused pid. */
export function isSameProcess(pid: number, procStart: string | null): boolean {
  if (!alive(pid)) return false;
  if (procStart === null) return true;
  const now = procStartOf(pid);
  return now === null || now === procStart;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signalGroup(leader: number, fallback: number, s: NodeJS.Signals): void {
  try {
    process.kill(-leader, s);
  } catch {
    try {
      process.kill(fallback, s);
    } catch {}
  }
}

type Known = { pid: number; host: string; supervisorPid: number | null; procStart: string | null; exitedAt: Date | null };

async function known(h: DbHandle, target: string): Promise<Known | undefined> {
  const [row] = await h.sql<Known[]>`
    SELECT pid, host, supervisor_pid AS "supervisorPid", proc_start AS "procStart", exited_at AS "exitedAt" FROM managed_processes WHERE target = ${target}`;
  return row;
}

/** SIGTERM to the whole group, SIGKILL after the grace; the exit that follows is recorded as asked for, not a crash. */
async function stopKnown(h: DbHandle, target: string, k: Known, reason: string): Promise<string> {
  await h.sql`UPDATE managed_processes SET stop_requested_at = now(), stop_reason = ${reason} WHERE target = ${target} AND pid = ${k.pid}`;
  const leader = k.supervisorPid ?? k.pid;
  if (!isSameProcess(k.pid, k.procStart) && !alive(leader)) return `pid ${k.pid} is not running`;
  signalGroup(leader, k.pid, "SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while ((alive(k.pid) || alive(leader)) && Date.now() < deadline) await sleep(100);
  if (alive(k.pid) || alive(leader)) {
    signalGroup(leader, k.pid, "SIGKILL");
    return `stopped pid ${k.pid} (SIGKILL after ${STOP_GRACE_MS / 1000} s)`;
  }
  return `stopped pid ${k.pid}`;
}

/**
 * The console as the supervisor: stop the process it started (its whole process group), start the argv
 * again under the supervisor with its working directory, environment and log file, and remember the pid.
 * The process outlives the worker, as under any supervisor; only the host that started it can restart it.
 */
export async function restartManagedProcess(h: DbHandle, t: TargetConfig, r: ProcessRestart): Promise<DriverResult> {
  const k = await known(h, t.name);
  if (k && k.host !== hostname()) return { ok: false, output: `the process was started on ${k.host}; restart it from a worker there` };
  const stopped = k && k.exitedAt === null ? await stopKnown(h, t.name, k, "restart") : null;
  const started = await spawnManaged(h, t, r, k ? "restarted" : "started");
  return stopped ? { ok: started.ok, output: `${stopped}; ${started.output}` } : started;
}

/** Stop the process the console started (SIGTERM to its group, SIGKILL after 10 s); stopping a stopped one is fine. */
export async function stopManagedProcess(h: DbHandle, t: TargetConfig, reason = "stop"): Promise<DriverResult> {
  const k = await known(h, t.name);
  if (!k) return { ok: true, output: "no process started by the console; nothing to stop" };
  if (k.host !== hostname()) return { ok: false, output: `the process was started on ${k.host}; stop it from a worker there` };
  if (k.exitedAt !== null || (!isSameProcess(k.pid, k.procStart) && !alive(k.supervisorPid ?? k.pid))) {
    await h.sql`UPDATE managed_processes SET stop_requested_at = coalesce(stop_requested_at, now()), stop_reason = coalesce(stop_reason, ${reason}) WHERE target = ${t.name}`;
    return { ok: true, output: `pid ${k.pid} is not running` };
  }
  return { ok: true, output: await stopKnown(h, t.name, k, reason) };
}

/** Start the process unless the one the console started is still alive (then it is adopted, not started twice). */
export async function startManagedProcess(h: DbHandle, t: TargetConfig, r: ProcessRestart): Promise<DriverResult> {
  const k = await known(h, t.name);
  if (k && k.host === hostname() && k.exitedAt === null && isSameProcess(k.pid, k.procStart)) return { ok: true, output: `already running as pid ${k.pid}` };
  return spawnManaged(h, t, r, "started");
}

async function spawnManaged(h: DbHandle, t: TargetConfig, r: ProcessRestart, verb: string): Promise<DriverResult> {
  const host = hostname();
  const logFile = processLogFile(t, r);
  const statusFile = processStatusFile(t);
  mkdirSync(dirname(logFile), { recursive: true });
  mkdirSync(dirname(statusFile), { recursive: true });
  rmSync(statusFile, { force: true });
  const argv = expandArgv(r.argv, t);
  const supervisor = spawn(process.execPath, [SUPERVISOR, statusFile, logFile, ...argv], {
    cwd: r.cwd,
    env: childEnvironment(r.env),
    stdio: "ignore",
    detached: true,
    shell: false,
  });
  const spawned = await new Promise<{ ok: true } | { ok: false; error: string }>((resolve) => {
    supervisor.once("error", (err) => resolve({ ok: false, error: err.message }));
    supervisor.once("spawn", () => resolve({ ok: true }));
  });
  if (!spawned.ok) return { ok: false, output: `${argv[0]}: ${spawned.error}${r.cwd && !existsSync(r.cwd) ? ` (cwd ${r.cwd} does not exist)` : ""}` };
  supervisor.unref();
  // The supervisor writes the child's pid once the child runs, or how it failed to run.
  const deadline = Date.now() + 10_000;
  let status = readSupervisorStatus(statusFile);
  while (!status && Date.now() < deadline && alive(supervisor.pid!)) {
    await sleep(20);
    status = readSupervisorStatus(statusFile);
  }
  if (!status) return { ok: false, output: `the supervisor of ${argv[0]} did not report within 10 s` };
  if (status.state === "exited" && status.pid === null) return { ok: false, output: redactText(status.tail.join("\n") || `${argv[0]} could not be started`) };
  const pid = status.pid!;
  await h.sql`
    INSERT INTO managed_processes (target, pid, host, log_file, supervisor_pid, proc_start, status_file)
    VALUES (${t.name}, ${pid}, ${host}, ${logFile}, ${supervisor.pid!}, ${procStartOf(pid)}, ${statusFile})
    ON CONFLICT (target) DO UPDATE SET pid = EXCLUDED.pid, host = EXCLUDED.host, started_at = now(), log_file = EXCLUDED.log_file,
      supervisor_pid = EXCLUDED.supervisor_pid, proc_start = EXCLUDED.proc_start, status_file = EXCLUDED.status_file,
      exit_code = NULL, exit_signal = NULL, exited_at = NULL, stop_requested_at = NULL, stop_reason = NULL`;
  return { ok: true, output: `${verb} pid ${pid} (log ${logFile})` };
}

/** How one supervised process ended, as the watcher saw it. */
export type ProcessExit = {
  target: string;
  pid: number;
  code: number | null;
  signal: string | null;
  at: Date;
  tail: string[];
  /** The console stopped it on purpose (a restart, a runbook, Ctrl-C on npm start): not a crash. */
  intentional: boolean;
};

type Watched = Known & { target: string; statusFile: string | null; stopRequestedAt: Date | null; startedAt: Date };

/**
 * Find the supervised processes of this host that ended since the last look and claim each exit once (the
 * row's exited_at is set under its pid, so two workers on one host never report the same exit twice).
 */
export async function collectProcessExits(h: DbHandle, host = hostname()): Promise<ProcessExit[]> {
  const rows = await h.sql<Watched[]>`
    SELECT target, pid, host, supervisor_pid AS "supervisorPid", proc_start AS "procStart", exited_at AS "exitedAt",
      status_file AS "statusFile", stop_requested_at AS "stopRequestedAt", started_at AS "startedAt"
    FROM managed_processes WHERE host = ${host} AND exited_at IS NULL`;
  const out: ProcessExit[] = [];
  for (const row of rows) {
    if (isSameProcess(row.pid, row.procStart)) continue;
    // The supervisor writes the record a moment after the child ends.
    let status = readSupervisorStatus(row.statusFile);
    const wait = Date.now() + 1000;
    while ((!status || status.state !== "exited" || status.pid !== row.pid) && row.supervisorPid !== null && alive(row.supervisorPid) && Date.now() < wait) {
      await sleep(25);
      status = readSupervisorStatus(row.statusFile);
    }
    const known = status?.state === "exited" && status.pid === row.pid ? status : null;
    const at = known ? new Date(known.exitedAt) : new Date();
    const [claimed] = await h.sql<{ stopRequestedAt: Date | null }[]>`
      UPDATE managed_processes SET exited_at = ${at}, exit_code = ${known?.code ?? null}, exit_signal = ${known?.signal ?? null}
      WHERE target = ${row.target} AND pid = ${row.pid} AND exited_at IS NULL RETURNING stop_requested_at AS "stopRequestedAt"`;
    if (!claimed) continue;
    out.push({
      target: row.target,
      pid: row.pid,
      code: known?.code ?? null,
      signal: known ? known.signal : null,
      at,
      tail: known ? known.tail.map((l) => redactText(l)) : [],
      intentional: claimed.stopRequestedAt !== null,
    });
  }
  return out;
}

/** The supervised processes this host runs now (for adoption at start and for Ctrl-C on npm start). */
export async function runningProcesses(h: DbHandle, host = hostname()): Promise<{ target: string; pid: number }[]> {
  const rows = await h.sql<Watched[]>`
    SELECT target, pid, host, supervisor_pid AS "supervisorPid", proc_start AS "procStart", exited_at AS "exitedAt",
      status_file AS "statusFile", stop_requested_at AS "stopRequestedAt", started_at AS "startedAt"
    FROM managed_processes WHERE host = ${host} AND exited_at IS NULL`;
  return rows.filter((r) => isSameProcess(r.pid, r.procStart)).map((r) => ({ target: r.target, pid: r.pid }));
}

/** Whether the console has a live process for this target, or has never started one / stopped it on purpose. */
export async function managedState(h: DbHandle, target: string): Promise<"running" | "never-started" | "stopped" | "exited" | "elsewhere"> {
  const [row] = await h.sql<(Known & { stopReason: string | null; stopRequestedAt: Date | null })[]>`
    SELECT pid, host, supervisor_pid AS "supervisorPid", proc_start AS "procStart", exited_at AS "exitedAt",
      stop_reason AS "stopReason", stop_requested_at AS "stopRequestedAt" FROM managed_processes WHERE target = ${target}`;
  if (!row) return "never-started";
  if (row.host !== hostname()) return "elsewhere";
  if (row.exitedAt === null && isSameProcess(row.pid, row.procStart)) return "running";
  if (row.stopRequestedAt !== null && row.stopReason !== "restart") return "stopped";
  return "exited";
}
