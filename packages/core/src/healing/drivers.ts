import { execFile } from "node:child_process";
import type { FleetConfig, TargetConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import { redactText } from "@ops/domain";
import { expandArgv, type DriverResult } from "./argv.ts";
import { restartManagedProcess, startManagedProcess, stopManagedProcess } from "./process-driver.ts";

export { expandArgv, type DriverResult };

const TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 4000;

function tail(text: string): string {
  const t = redactText(text.trim());
  return t.length > MAX_OUTPUT ? `…${t.slice(-MAX_OUTPUT)}` : t;
}

/** Run a program with an argv array: never a shell, so nothing in a value can become a command. */
export function run(argv: readonly string[], timeoutMs = TIMEOUT_MS): Promise<DriverResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve({ ok: false, output: "empty argv" });
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024, shell: false }, (err, stdout, stderr) => {
      const output = tail(`${stdout}${stderr}`);
      if (!err) return resolve({ ok: true, output: output || "exit 0" });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
      if (e.code === "ENOENT") return resolve({ ok: false, output: `${file}: command not found` });
      if (e.killed) return resolve({ ok: false, output: `${file}: no result within ${timeoutMs / 1000} s` });
      resolve({ ok: false, output: `${file} exited ${String(e.code)}${output ? `: ${output}` : ""}` });
    });
  });
}

/** The argv a driver would run, for dry runs and the restart record. */
export function describeDriver(t: TargetConfig, fleet: FleetConfig): string {
  const r = t.restart;
  switch (r.driver) {
    case "simulator":
      return `POST ${fleet.simulator.controlUrl}/agents/${t.name}/restart`;
    case "command":
      return expandArgv(r.argv, t).join(" ");
    case "docker":
      return `docker restart ${r.container}`;
    case "systemd":
      return `systemctl restart ${r.unit}`;
    case "http":
      return `${r.method} ${r.url}`;
    case "process":
      return `process: ${r.argv.join(" ")}`;
    case "none":
      return "none";
  }
}

/** The argv that shows a target's recent log through its driver, where the driver has one. */
export function logTailArgv(t: TargetConfig): string[] | null {
  const r = t.restart;
  if (r.driver === "docker") return ["docker", "logs", "--tail", "40", r.container];
  if (r.driver === "systemd") return ["journalctl", "-u", r.unit, "-n", "40", "--no-pager", "-o", "cat"];
  return null;
}

/** Restart a target through its configured driver. A driver that cannot act says why. */
export async function restartTarget(t: TargetConfig, fleet: FleetConfig, h?: DbHandle): Promise<DriverResult> {
  const r = t.restart;
  switch (r.driver) {
    case "simulator": {
      try {
        const res = await fetch(`${fleet.simulator.controlUrl}/agents/${encodeURIComponent(t.name)}/restart`, {
          method: "POST",
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        const body = tail(await res.text());
        return res.ok ? { ok: true, output: `simulator: HTTP ${res.status}` } : { ok: false, output: `simulator: HTTP ${res.status} ${body}` };
      } catch (err) {
        return { ok: false, output: `simulator unreachable at ${fleet.simulator.controlUrl}: ${(err as Error).message}` };
      }
    }
    case "command":
      return run(expandArgv(r.argv, t));
    case "docker":
      return run(["docker", "restart", r.container]);
    case "systemd":
      return run(["systemctl", "restart", r.unit]);
    case "http":
      try {
        const res = await fetch(r.url, { method: r.method, signal: AbortSignal.timeout(TIMEOUT_MS) });
        return { ok: res.ok, output: `${r.method} ${redactText(r.url)}: HTTP ${res.status}` };
      } catch (err) {
        return { ok: false, output: `${r.method} ${redactText(r.url)}: ${(err as Error).message}` };
      }
    case "process":
      if (!h) return { ok: false, output: "the process driver needs the console's database to remember its processes" };
      return restartManagedProcess(h, t, r);
    case "none":
      return { ok: false, output: "restart driver is none: this target is restarted by hand" };
  }
}

async function simulatorAction(t: TargetConfig, fleet: FleetConfig, action: "stop" | "start"): Promise<DriverResult> {
  try {
    const res = await fetch(`${fleet.simulator.controlUrl}/agents/${encodeURIComponent(t.name)}/${action}`, {
      method: "POST",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = tail(await res.text());
    return res.ok ? { ok: true, output: `simulator ${action}: HTTP ${res.status}` } : { ok: false, output: `simulator ${action}: HTTP ${res.status} ${body}` };
  } catch (err) {
    return { ok: false, output: `simulator unreachable at ${fleet.simulator.controlUrl}: ${(err as Error).message}` };
  }
}

/** Stop or start a target through its driver (runbooks: shutdowns, force and clean-state restarts). */
export async function switchTarget(t: TargetConfig, fleet: FleetConfig, action: "stop" | "start", h?: DbHandle): Promise<DriverResult> {
  const r = t.restart;
  switch (r.driver) {
    case "simulator":
      return simulatorAction(t, fleet, action);
    case "command": {
      const argv = action === "stop" ? r.stopArgv : r.startArgv;
      if (!argv) return { ok: false, output: `the command driver of ${t.name} has no ${action}Argv configured (the fleet file)` };
      return run(expandArgv(argv, t));
    }
    case "docker":
      return run(["docker", action, r.container]);
    case "systemd":
      return run(["systemctl", action, r.unit]);
    case "process":
      if (!h) return { ok: false, output: "the process driver needs the console's database to remember its processes" };
      return action === "stop" ? stopManagedProcess(h, t) : startManagedProcess(h, t, r);
    case "http":
      return { ok: false, output: `the http driver of ${t.name} can only restart; stop and start it by hand` };
    case "none":
      return { ok: false, output: `restart driver is none: ${t.name} is stopped and started by hand` };
  }
}
