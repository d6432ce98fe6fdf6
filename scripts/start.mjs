// `npm start`: installs what is missing, prepares the database, builds the dashboard and the processes (compiled
// JavaScript, scripts/build.mjs, when their sources are newer than the build), then runs the fleet simulator
// (unless every target is real), the worker and the API (serving the dashboard on :3000) from the built files.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { APPS, NODE_ARGS, builtEntry, ensureBuilt } from "./build.mjs";
import { ROOT, checkNode, ensureDependencies, fail, log, pnpm } from "./lib.mjs";

checkNode();
ensureDependencies();

const LOG_DIR = join(ROOT, ".data", "logs");
mkdirSync(LOG_DIR, { recursive: true });

const pre = spawnSync(process.execPath, ["--import", "tsx", "packages/cli/src/preflight.ts", "start"], { cwd: ROOT, encoding: "utf8" });
if (pre.status !== 0) fail(pre.stderr.trim() || "preflight failed");
const info = JSON.parse(pre.stdout.trim().split("\n").pop());
log("setup", `database ${info.database}${info.databaseCreated ? " (created)" : ""}, migrated`);
log("setup", `redis ${info.redis}; config ${info.configDir}`);
if (info.firstAdmin?.password) {
  process.stdout.write(
    `\n  First start: an admin account was created. This password is shown once and is not stored anywhere in clear:\n` +
      `    email     ${info.firstAdmin.email}\n    password  ${info.firstAdmin.password}\n` +
      `  You will be asked to choose a new password at first login.\n\n`,
  );
} else if (info.firstAdmin) {
  log("setup", `admin account ${info.firstAdmin.email} created from OPS_ADMIN_EMAIL / OPS_ADMIN_PASSWORD`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const web = join(ROOT, "apps", "web");
const builtIndex = join(web, "dist", "index.html");
const webSources = Math.max(newestMtime(join(web, "src")), statSync(join(web, "index.html")).mtimeMs);
if (!existsSync(builtIndex) || statSync(builtIndex).mtimeMs < webSources) {
  log("setup", "building the dashboard");
  if (pnpm(["--filter", "@ops/web", "build"], { stdio: ["ignore", "ignore", "inherit"] }) !== 0) fail("the dashboard build failed (see above)");
}

const COLORS = { sim: 35, worker: 36, api: 32 };
const parts = [];
if (info.simulated > 0) parts.push({ name: "sim" });
parts.push({ name: "worker" }, { name: "api" });

try {
  const built = await ensureBuilt(parts.map((p) => p.name));
  if (built.length) log("setup", `built ${built.map((b) => `${APPS[b.name].dir}/dist/main.js`).join(", ")}`);
} catch (e) {
  fail(`the build failed: ${e.message}`);
}

let stopping = false;
const children = [];

const QUIET = new Set(["incoming request", "request completed"]);

/** A readable line for the terminal; null for request chatter (the log file keeps everything). */
function summarize(name, line) {
  if (!line.startsWith("{")) return line.startsWith(`[${name}] `) ? line.slice(name.length + 3) : line;
  try {
    const j = JSON.parse(line);
    if (QUIET.has(j.msg)) return null;
    const level = typeof j.level === "number" ? (j.level >= 50 ? "error " : j.level >= 40 ? "warn " : "") : j.level && j.level !== "info" ? `${j.level} ` : "";
    return `${level}${j.msg ?? line}`;
  } catch {
    return line;
  }
}

function launch(part) {
  const file = join(LOG_DIR, `${part.name}.log`);
  const out = createWriteStream(file, { flags: "a" });
  // Ctrl-C stops everything npm start runs, the gateways the worker started (process driver) included.
  const env = part.name === "worker" ? { OPS_STOP_PROCESSES_ON_EXIT: "1", ...process.env } : process.env;
  // Source maps: stack traces name the .ts files and lines (NODE_ARGS).
  const child = spawn(process.execPath, [...NODE_ARGS[part.name], builtEntry(part.name)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const tag = `\x1b[${COLORS[part.name]}m[${part.name}]\x1b[0m`;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = "";
    stream.on("data", (chunk) => {
      out.write(chunk);
      buf += chunk.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const text = line.trim() ? summarize(part.name, line) : null;
        if (text !== null) process.stdout.write(`${tag} ${text}\n`);
      }
    });
  }
  child.on("exit", (code, signal) => {
    if (stopping) return;
    process.stdout.write(`${tag} exited (${signal ?? `code ${code}`}); full log: ${file}\n`);
    stop(1);
  });
  children.push({ part, child, file });
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  log("start", "stopping…");
  const alive = children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
  for (const c of alive) c.child.kill("SIGTERM");
  const force = setTimeout(() => {
    for (const c of alive) if (c.child.exitCode === null) c.child.kill("SIGKILL");
  }, 30_000);
  Promise.all(alive.map((c) => new Promise((r) => (c.child.exitCode !== null ? r() : c.child.once("exit", r))))).then(() => {
    clearTimeout(force);
    log("start", "stopped");
    process.exit(code);
  });
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

for (const part of parts) launch(part);

const url = `http://localhost:${info.port}`;
const deadline = Date.now() + 60_000;
async function waitReady() {
  while (!stopping && Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${info.port}/readyz`);
      if (res.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
waitReady().then((ok) => {
  if (stopping) return;
  if (!ok) {
    log("start", "the API did not become ready within 60 s; see .data/logs/api.log");
    return stop(1);
  }
  const lines = [
    "",
    `  OpenClaw Ops is running: \x1b[1m${url}\x1b[0m`,
    `  API ${url}/api  ·  docs ${url}/api/docs  ·  live ${url.replace("http", "ws")}/ws`,
    info.simulated > 0
      ? `  fleet simulator: ${info.simulated} agents, control API ${info.simulatorUrl}/agents`
      : "  fleet: real targets from config/fleet.json",
    `  logs: ${children.map((c) => c.file.replace(ROOT + "/", "")).join(", ")}`,
    "  Ctrl-C stops everything.",
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
});
