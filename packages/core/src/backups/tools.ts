import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { childEnvironment } from "@ops/config";
import { redactText } from "@ops/domain";

/** Run a tool with an argv array (never a shell); connection secrets travel in the environment, not argv. */
export function tool(argv: readonly string[], opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<string> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(
      file!,
      args,
      { env: childEnvironment(opts.env), timeout: opts.timeoutMs ?? 30 * 60_000, maxBuffer: 64 * 1024 * 1024, shell: false, cwd: opts.cwd },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        const why =
          e.code === "ENOENT"
            ? `${file}: not installed`
            : e.killed
              ? `${file}: no result in time`
              : `${file} failed: ${redactText(`${stderr}`.trim() || e.message).slice(0, 1500)}`;
        reject(new Error(why));
      },
    );
  });
}

/** libpq's environment for a postgres:// URL, so the password never appears on a command line. */
export function pgEnv(url: string, database?: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: u.hostname || "127.0.0.1",
    PGPORT: u.port || "5432",
    PGUSER: decodeURIComponent(u.username || "postgres"),
    PGDATABASE: database ?? decodeURIComponent(u.pathname.replace(/^\//, "") || "postgres"),
  };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const ssl = u.searchParams.get("sslmode");
  if (ssl) env.PGSSLMODE = ssl;
  return env;
}

export const dbNameOf = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";

/** redis-cli arguments for a redis:// URL; the password goes in REDISCLI_AUTH. */
export function redisArgs(url: string): { args: string[]; env: Record<string, string> } {
  const u = new URL(url);
  const args = ["-h", u.hostname || "127.0.0.1", "-p", u.port || "6379"];
  const db = u.pathname.replace(/^\//, "");
  if (db) args.push("-n", db);
  if (u.username && u.username !== "default") args.push("--user", decodeURIComponent(u.username));
  if (u.protocol === "rediss:") args.push("--tls");
  return { args, env: u.password ? { REDISCLI_AUTH: decodeURIComponent(u.password) } : {} };
}

export async function fileDigest(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  await new Promise<void>((resolve, reject) => {
    createReadStream(path)
      .on("data", (c) => hash.update(c))
      .on("end", () => resolve())
      .on("error", reject);
  });
  return { size: (await stat(path)).size, sha256: hash.digest("hex") };
}

/** Versions of the tools a backup used, for its manifest. */
export async function toolVersions(names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = { node: process.version };
  for (const n of names) {
    try {
      out[n] = (await tool([n, "--version"], { timeoutMs: 10_000 })).trim().split("\n")[0]!;
    } catch {
      out[n] = "unknown";
    }
  }
  return out;
}

/** Wait until something accepts connections on a local port (a scratch server starting). */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const net = await import("node:net");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
