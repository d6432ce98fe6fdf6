import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, until } from "./stack.ts";

/**
 * A PostgreSQL and a Redis of the chaos suite's own, on ports of their own: the machine's servers are shared
 * with CI and other sessions, so the suite never stops those. Both are real servers from the machine's
 * packages; stop() is a real shutdown, start() a real start of the same data directory (Postgres) or an
 * empty server (Redis, no persistence: a restart loses everything, like a Redis without a volume).
 */

function pgBin(name: string): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort().reverse() : [];
  for (const v of versions) {
    const p = join(root, v, "bin", name);
    if (existsSync(p)) return p;
  }
  return name;
}

function waitExit(child: ChildProcess | null, timeoutMs = 20_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export type PrivatePostgres = {
  url: string;
  port: number;
  start: () => Promise<void>;
  /** Fast shutdown (SIGINT): open connections are ended, new ones are refused until start(). */
  stop: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), "ops-chaos-pg-"));
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: the data directory belongs to the postgres user then.
  if (asRoot)
    chownSync(dir, Number(spawnSync("id", ["-u", "postgres"]).stdout.toString().trim()), Number(spawnSync("id", ["-g", "postgres"]).stdout.toString().trim()));
  const as = (cmd: string, args: string[]) => (asRoot ? { cmd: "runuser", args: ["-u", "postgres", "--", cmd, ...args] } : { cmd, args });
  const data = join(dir, "data");
  const init = as(pgBin("initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const r = spawnSync(init.cmd, init.args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
  const port = await freePort();
  let child: ChildProcess | null = null;
  let output = "";
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const pg = {
    url,
    port,
    async start() {
      const run = as(pgBin("postgres"), [
        "-D",
        data,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "max_connections=200",
      ]);
      child = spawn(run.cmd, run.args, { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
      child.stderr!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
      const probe = () => spawnSync(pgBin("pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres"]).status;
      await until(`private PostgreSQL on :${port} ready (${output.slice(-300)})`, probe, (s) => s === 0, 30_000, 100);
    },
    async stop() {
      const c = child;
      // The postmaster itself (runuser does not pass signals on): SIGINT is PostgreSQL's fast shutdown.
      const pidFile = join(data, "postmaster.pid");
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : 0;
      if (pid > 0) process.kill(pid, "SIGINT");
      else c?.kill("SIGINT");
      await waitExit(c);
      await until(
        `private PostgreSQL on :${port} stopped`,
        () => existsSync(pidFile),
        (exists) => !exists,
        20_000,
        100,
      );
      child = null;
    },
    async close() {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}

export type PrivateRedis = {
  url: string;
  port: number;
  start: () => Promise<void>;
  /** SIGKILL: no shutdown save, and none configured: the next start() is an empty Redis. */
  kill: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], {
        stdio: "ignore",
      });
      await until(
        `private Redis on :${port} ready`,
        () => spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout.trim(),
        (s) => s === "PONG",
        20_000,
        100,
      );
    },
    async kill() {
      const c = child;
      c?.kill("SIGKILL");
      await waitExit(c);
      child = null;
    },
    async close() {
      await redis.kill();
    },
  };
  await redis.start();
  return redis;
}
