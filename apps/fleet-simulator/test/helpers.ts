import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentView } from "../src/types.ts";

const RESERVED = new Set([8100, ...Array.from({ length: 11 }, (_, i) => 8001 + i)]);

/**
 * A free port, never one the real product uses, and below Linux's ephemeral range (32768+): a port handed out
 * for port 0 (to another test run beside this one, or to an outgoing connection) can be taken between this
 * check and the simulator's bind, while a random one from 10000–32767 almost never is.
 */
const handedOut = new Set<number>();

export async function findFreePort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 22_700);
    if (RESERVED.has(port) || handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
}

export type TestFleet = { dir: string; configDir: string; dataDir: string; controlPort: number; ports: Record<string, number>; cleanup(): void };

/** A temp config dir whose fleet.json has the given simulated agents on free ports, plus targets the simulator must skip. */
export async function createTestFleet(names: string[], startupMs = 200): Promise<TestFleet> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-sim-test-"));
  const configDir = join(dir, "config");
  const dataDir = join(dir, "data");
  const controlPort = await findFreePort();
  const ports: Record<string, number> = {};
  for (const name of names) ports[name] = await findFreePort();
  const targets = [
    ...names.map((name) => ({ name, kind: "agent", check: "openclaw", baseUrl: `http://127.0.0.1:${ports[name]}` })),
    { name: "redis", kind: "service", check: "tcp", baseUrl: "tcp://127.0.0.1:6379", restart: { driver: "none" } },
    { name: "litellm", kind: "service", check: "http", baseUrl: "http://127.0.0.1:4000", restart: { driver: "none" } },
  ];
  const fleet = { simulator: { controlUrl: `http://127.0.0.1:${controlPort}`, startupMs }, targets };
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, "fleet.json"), JSON.stringify(fleet, null, 2));
  return { dir, configDir, dataDir, controlPort, ports, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type HttpResult = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; text: string };

/** One HTTP request on a fresh connection; rejects with code "TIMEOUT" when no answer comes in time. */
export function httpRequest(url: string, opts: { method?: string; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "GET", agent: false, headers: opts.body ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString("utf8") });
      });
      res.on("error", reject);
    });
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", reject);
    req.end(opts.body);
  });
}

export type ProbeJson = {
  ok?: boolean;
  status?: string;
  ready?: boolean;
  failing?: string[];
  version?: string;
  uptimeMs?: number;
  pendingReason?: string;
  eventLoop?: { degraded: boolean; degradedSinceMs: number | null; reasons: string[]; intervalMs: number; delayP99Ms: number; delayMaxMs: number };
  resources?: { cpuPercent: number; memoryPercent: number; diskPercent: number };
  error?: { code: string; message: string };
};

export async function getJson(url: string, timeoutMs?: number): Promise<{ status: number; json: ProbeJson }> {
  const r = await httpRequest(url, { timeoutMs });
  return { status: r.status, json: JSON.parse(r.text) as ProbeJson };
}

export type ControlJson = {
  agent?: AgentView;
  agents?: AgentView[];
  ok?: boolean;
  statusCode?: number;
  code?: string;
  message?: string;
  field?: string;
};

/** Calls the control API and parses its JSON answer. */
export async function callControl(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: ControlJson }> {
  const r = await httpRequest(`${base}${path}`, { method, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  return { status: r.status, json: JSON.parse(r.text) as ControlJson };
}

/** The agent view from a control answer, failing loudly when it is missing. */
export function agentOf(r: { status: number; json: ControlJson }): AgentView {
  if (!r.json.agent) throw new Error(`expected an agent, got ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.agent;
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** "refused" when nothing listens on the port, "open" when a TCP connection succeeds. */
export function probePort(port: number): Promise<"refused" | "open"> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve("open");
    });
    sock.once("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNREFUSED" ? resolve("refused") : reject(err)));
  });
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, label = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${label}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
}
