import {
  CONFIG_FILES,
  type ConfigIssue,
  type ConfigName,
  childEnvironment,
  formatIssue,
  hostOf,
  loadConfigFile,
  loadRunbooks,
  portOf,
  type FleetConfig,
} from "@ops/config";
import { configFileOf, expandArgv, httpGet, tcpConnect } from "@ops/core";
import { gatewayConfigFindings, openclawProgramOf } from "@ops/domain";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

export type CheckLevel = "ok" | "warning" | "error";
export type CheckLine = { level: CheckLevel; subject: string; message: string };
export type CheckReport = { ok: boolean; configDir: string; lines: CheckLine[]; issues: ConfigIssue[] };

type PortProbe = (host: string, port: number) => Promise<"free" | "in-use">;

const defaultPortProbe: PortProbe = async (host, port) => ((await tcpConnect(host, port, 1500)).kind === "response" ? "in-use" : "free");

/** What answers on a port, compared with the target that should own it. */
async function checkOwner(t: FleetConfig["targets"][number], probe: PortProbe): Promise<CheckLine> {
  const host = hostOf(t.baseUrl);
  const port = portOf(t.baseUrl);
  const subject = `${t.name} ${host}:${port}`;
  if (port === null) return { level: "error", subject, message: "no port in baseUrl" };
  if ((await probe(host, port)) === "free") {
    return { level: "warning", subject, message: "nothing listening yet (free for the target to use)" };
  }
  if (t.check === "tcp") return { level: "ok", subject, message: `in use, accepting connections (expected: ${t.displayName ?? t.name})` };
  const path = t.probes?.live ?? (t.check === "openclaw" ? "/healthz" : "/");
  const r = await httpGet(t.baseUrl.replace(/\/$/, "") + path, 3000);
  if (r.kind !== "response") return { level: "error", subject, message: `in use, but GET ${path} failed: ${r.message}` };
  if (t.check === "http") return { level: "ok", subject, message: `in use, HTTP ${r.statusCode} on ${path}` };
  try {
    const body = JSON.parse(r.body) as { ok?: unknown };
    if (r.statusCode === 200 && body.ok === true) return { level: "ok", subject, message: `in use by a gateway answering ${path}` };
  } catch {}
  return { level: "error", subject, message: `in use by something that is not an OpenClaw gateway (GET ${path} → HTTP ${r.statusCode})` };
}

async function checkHttpOwner(
  subject: string,
  url: string,
  probe: PortProbe,
  owner: string,
  isOwner: (status: number, body: string) => boolean,
): Promise<CheckLine> {
  const u = new URL(url);
  const port = Number(u.port || 80);
  if ((await probe(u.hostname, port)) === "free") return { level: "ok", subject, message: `free for ${owner}` };
  const r = await httpGet(url, 3000);
  if (r.kind === "response" && isOwner(r.statusCode, r.body)) return { level: "ok", subject, message: `in use by ${owner} (running)` };
  return { level: "error", subject, message: `in use by something other than ${owner}` };
}

type Target = FleetConfig["targets"][number];

function isExecutableFile(path: string): "ok" | "missing" | "not-a-file" | "not-executable" {
  if (!existsSync(path)) return "missing";
  if (!statSync(path).isFile()) return "not-a-file";
  try {
    accessSync(path, constants.X_OK);
    return "ok";
  } catch {
    return "not-executable";
  }
}

/** Where argv[0] resolves: an absolute path, a path relative to cwd, or the first match on PATH. */
function findProgram(program: string, cwd: string | undefined, pathVar: string | undefined): { path: string | null; problem: string | null } {
  if (isAbsolute(program) || program.includes("/")) {
    const path = isAbsolute(program) ? program : resolve(cwd ?? process.cwd(), program);
    const state = isExecutableFile(path);
    if (state === "ok") return { path, problem: null };
    return {
      path: null,
      problem: state === "missing" ? `${path} does not exist` : state === "not-a-file" ? `${path} is not a file` : `${path} is not executable`,
    };
  }
  const dirs = (pathVar ?? "").split(delimiter).filter(Boolean);
  for (const dir of dirs) if (isExecutableFile(join(dir, program)) === "ok") return { path: join(dir, program), problem: null };
  return { path: null, problem: `${program} is not on PATH (${dirs.join(delimiter) || "PATH is empty"})` };
}

/**
 * A target the console starts itself (`restart.driver: "process"`): its program exists and is executable,
 * its working directory exists, and for an OpenClaw gateway its config file says what the target expects
 * (port, `gateway.mode: local`, `bind: loopback`, `logging.file`). Every problem names the field.
 */
export function checkProcessTarget(t: Target): CheckLine[] {
  const r = t.restart;
  if (r.driver !== "process") return [];
  const lines: CheckLine[] = [];
  const problem = (level: CheckLevel, message: string) => lines.push({ level, subject: t.name, message });
  const argv = expandArgv(r.argv, t);
  // The PATH the process driver gives the program: the console's, unless the target's env sets one.
  const program = findProgram(argv[0]!, r.cwd, childEnvironment(r.env).PATH);
  if (program.problem) problem("error", `restart.argv[0]: ${program.problem}`);
  if (r.cwd !== undefined) {
    if (!existsSync(r.cwd)) problem("error", `restart.cwd: ${r.cwd} does not exist`);
    else if (!statSync(r.cwd).isDirectory()) problem("error", `restart.cwd: ${r.cwd} is not a directory`);
  }
  const isGateway = t.check === "openclaw" || openclawProgramOf(argv) !== null;
  const file = configFileOf(t);
  const field = t.configPath ? "configPath" : "restart.env.OPENCLAW_CONFIG_PATH";
  if (isGateway && file) {
    if (!existsSync(file)) {
      if (!argv.includes("--allow-unconfigured")) problem("error", `${field}: ${file} does not exist (the gateway exits 78 without a config)`);
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
      } catch (err) {
        problem(
          "warning",
          `${field}: ${file} does not parse as JSON (${(err as Error).message}); its gateway settings were not checked (JSON5? check it with openclaw config validate)`,
        );
      }
      if (parsed !== undefined) {
        for (const f of gatewayConfigFindings(parsed, { argv, env: r.env ?? {}, port: portOf(t.baseUrl), file })) problem(f.level, `${f.field}: ${f.message}`);
      }
    }
  } else if (isGateway) {
    problem("warning", "configPath: not set (nor OPENCLAW_CONFIG_PATH in restart.env): the console cannot check, snapshot or restore this gateway's config");
  }
  if (lines.length === 0) {
    const what = isGateway && file ? `, and ${file} matches port ${portOf(t.baseUrl)} on loopback with a log file` : "";
    lines.push({ level: "ok", subject: t.name, message: `process: ${program.path} runs${r.cwd ? ` in ${r.cwd}` : ""}${what}` });
  }
  return lines;
}

/** Seed 3's config checker: files exist, JSON valid, required fields, ports free or owned by the expected target. */
export async function checkConfig(configDir: string, opts: { ports?: boolean; portProbe?: PortProbe; consolePort?: number } = {}): Promise<CheckReport> {
  const lines: CheckLine[] = [];
  const issues: ConfigIssue[] = [];
  let fleet: FleetConfig | null = null;
  for (const name of Object.keys(CONFIG_FILES) as ConfigName[]) {
    const file = join(configDir, CONFIG_FILES[name].file);
    const r = loadConfigFile(configDir, name);
    if (r.ok) {
      lines.push({ level: "ok", subject: CONFIG_FILES[name].file, message: "present, valid JSON, all required fields" });
      if (name === "fleet") fleet = r.value as FleetConfig;
    } else {
      issues.push(...r.issues);
      for (const i of r.issues) lines.push({ level: "error", subject: CONFIG_FILES[name].file, message: formatIssue({ ...i, file }) });
    }
  }
  const runbooks = loadRunbooks(configDir);
  if (runbooks.ok) {
    const n = runbooks.value.runbooks.length;
    const procedures = runbooks.value.runbooks.reduce((sum, r) => sum + r.procedures.length, 0);
    lines.push({
      level: n ? "ok" : "warning",
      subject: "runbooks/",
      message: n ? `${n} runbooks, ${procedures} procedures, ${Object.keys(runbooks.value.commands).length} allow-listed commands` : "no runbook definitions",
    });
  } else {
    issues.push(...runbooks.issues);
    for (const i of runbooks.issues) lines.push({ level: "error", subject: "runbooks/", message: formatIssue(i) });
  }
  // Local checks of the programs the console starts: no network, so also with --no-ports.
  if (fleet) for (const t of fleet.targets.filter((x) => x.enabled)) lines.push(...checkProcessTarget(t));
  if (fleet && opts.ports !== false) {
    const probe = opts.portProbe ?? defaultPortProbe;
    const enabled = fleet.targets.filter((t) => t.enabled);
    lines.push(...(await Promise.all(enabled.map((t) => checkOwner(t, probe)))));
    if (opts.consolePort !== undefined) {
      lines.push(
        await checkHttpOwner(
          `console 127.0.0.1:${opts.consolePort}`,
          `http://127.0.0.1:${opts.consolePort}/api/openapi.json`,
          probe,
          "OpenClaw Ops",
          (code, body) => code === 200 && body.includes("OpenClaw Ops API"),
        ),
      );
    }
    if (fleet.targets.some((t) => t.enabled && t.restart.driver === "simulator")) {
      const control = fleet.simulator.controlUrl.replace(/\/$/, "");
      lines.push(
        await checkHttpOwner(
          `simulator ${new URL(control).host}`,
          `${control}/agents`,
          probe,
          "the fleet simulator",
          (code, body) => code === 200 && body.includes('"agents"'),
        ),
      );
    }
    for (const t of fleet.targets.filter((x) => !x.enabled)) lines.push({ level: "ok", subject: t.name, message: "not monitored (enabled: false)" });
  }
  return { ok: lines.every((l) => l.level !== "error"), configDir, lines, issues };
}

export function renderReport(r: CheckReport, color = false): string {
  const mark = { ok: color ? "\x1b[32m✓\x1b[0m" : "✓", warning: color ? "\x1b[33m!\x1b[0m" : "!", error: color ? "\x1b[31m✗\x1b[0m" : "✗" };
  const width = Math.max(...r.lines.map((l) => l.subject.length), 10);
  const out = [`config check: ${r.configDir}`];
  for (const l of r.lines) out.push(`  ${mark[l.level]} ${l.subject.padEnd(width)}  ${l.message}`);
  const errors = r.lines.filter((l) => l.level === "error").length;
  const warnings = r.lines.filter((l) => l.level === "warning").length;
  out.push(errors ? `${errors} error(s), ${warnings} warning(s)` : `no errors, ${warnings} warning(s)`);
  return out.join("\n");
}
