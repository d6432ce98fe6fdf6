import http from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONFIG_DIR } from "@ops/config";
import { writeTestConfig } from "@ops/core/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfig, renderReport } from "../src/config-check.ts";

type Server = { port: number; close: () => Promise<void> };

async function serve(handler: http.RequestListener): Promise<Server> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function freePort(): Promise<number> {
  const s = await serve(() => {});
  await s.close();
  return s.port;
}

let gateway: Server;
let stranger: Server;
let idle: number;

beforeAll(async () => {
  gateway = await serve((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"status":"live"}'));
  stranger = await serve((_req, res) => res.writeHead(404).end("nginx"));
  idle = await freePort();
});
afterAll(async () => {
  await gateway.close();
  await stranger.close();
});

describe("config check against real ports", () => {
  it("tells a running gateway, a free port and a port held by something else apart", async () => {
    const cfg = writeTestConfig({
      fleet: (f) => {
        f.targets = [
          { name: "alpha", kind: "agent", check: "openclaw", baseUrl: `http://127.0.0.1:${gateway.port}` },
          { name: "beta", kind: "agent", check: "openclaw", baseUrl: `http://127.0.0.1:${idle}` },
          { name: "charlie", kind: "agent", check: "openclaw", baseUrl: `http://127.0.0.1:${stranger.port}` },
        ] as never;
        f.simulator = { controlUrl: `http://127.0.0.1:${stranger.port}`, startupMs: 100 };
      },
    });
    try {
      const report = await checkConfig(cfg.dir, { consolePort: idle });
      const bySubject = (s: string) => report.lines.find((l) => l.subject.startsWith(s))!;
      expect(bySubject("alpha")).toMatchObject({ level: "ok", message: "in use by a gateway answering /healthz" });
      expect(bySubject("beta")).toMatchObject({ level: "warning" });
      expect(bySubject("charlie")).toMatchObject({ level: "error", message: "in use by something that is not an OpenClaw gateway (GET /healthz → HTTP 404)" });
      expect(bySubject("console")).toMatchObject({ level: "ok", message: "free for OpenClaw Ops" });
      expect(bySubject("simulator")).toMatchObject({ level: "error" });
      expect(report.ok).toBe(false);
      expect(renderReport(report)).toMatch(/2 error\(s\), 1 warning\(s\)$/);
    } finally {
      cfg.remove();
    }
  });

  it("reports every broken file, and skips port checks when the fleet cannot be read", async () => {
    const cfg = writeTestConfig();
    try {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(`${cfg.dir}/fleet.json`, "{");
      const report = await checkConfig(cfg.dir);
      expect(report.ok).toBe(false);
      expect(report.issues[0]).toMatchObject({ path: "(syntax)", line: 1 });
      expect(report.lines.filter((l) => l.level === "ok").map((l) => l.subject)).toEqual([
        "monitoring-config.json",
        "backup-config.json",
        "governance-quorum-rules.json",
        "runbooks/",
      ]);
    } finally {
      cfg.remove();
    }
  });

  it("checks the runbook definitions: a reference that does not resolve is an error with its line", async () => {
    const cfg = writeTestConfig();
    try {
      const { readFileSync, writeFileSync } = await import("node:fs");
      const file = `${cfg.dir}/runbooks/agent-restart.json`;
      writeFileSync(file, readFileSync(file, "utf8").replace('"target": "{{item}}"', '"target": "{{agnet}}"'));
      const report = await checkConfig(cfg.dir, { ports: false });
      expect(report.ok).toBe(false);
      const line = report.lines.find((l) => l.subject === "runbooks/" && l.level === "error");
      expect(line?.message).toMatch(
        /agent-restart\.json:\d+:\d+ procedures\[\d+\]\.steps\[\d+\]\.steps\[\d+\]\.action\.target: \{\{agnet\}\} must name a parameter of type target/,
      );
    } finally {
      cfg.remove();
    }
  });

  it("counts the shipped runbooks", async () => {
    const report = await checkConfig(DEFAULT_CONFIG_DIR, { ports: false });
    expect(report.lines.find((l) => l.subject === "runbooks/")).toMatchObject({
      level: "ok",
      message: expect.stringMatching(/^6 runbooks, \d+ procedures, \d+ allow-listed commands$/),
    });
  });
});

describe("config check of the programs the console starts (process targets)", () => {
  it("names the target and the field of every problem; a sound gateway is one ok line", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "ops-cli-process-"));
    const gw = (port: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ gateway: { mode: "local", port, bind: "loopback" }, logging: { file: join(tmp, "gw.log") }, ...extra });
    mkdirSync(join(tmp, "good"));
    writeFileSync(join(tmp, "good", "openclaw.json"), gw(8102));
    writeFileSync(join(tmp, "wrong.json"), JSON.stringify({ gateway: { mode: "local", port: 8111, bind: "lan" } }));
    writeFileSync(join(tmp, "json5.json"), "{ gateway: { mode: 'local' } }");
    writeFileSync(join(tmp, "not-executable"), "#!/bin/sh\n");
    chmodSync(join(tmp, "not-executable"), 0o644);
    const script = join(tmp, "openclaw.mjs");
    writeFileSync(script, "");
    const target = (name: string, port: number, restart: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      name,
      kind: "agent",
      check: "openclaw",
      baseUrl: `http://127.0.0.1:${port}`,
      restart: { driver: "process", ...restart },
      ...extra,
    });
    const cfg = writeTestConfig({
      fleet: (f) => {
        f.targets = [
          target("good", 8102, { argv: [process.execPath, script, "gateway", "run"], cwd: join(tmp, "good"), env: { OPENCLAW_CONFIG_PATH: "openclaw.json" } }),
          target(
            "noprog",
            8103,
            { argv: [join(tmp, "no-such-node"), script, "gateway", "run"], cwd: join(tmp, "gone") },
            { configPath: join(tmp, "missing.json") },
          ),
          target("wrong", 8104, { argv: ["sh", "-c", "true"], env: { PATH: "/usr/bin:/bin" } }, { configPath: join(tmp, "wrong.json") }),
          target("offpath", 8105, { argv: ["no-such-program-xyz", "gateway"], env: { PATH: tmp } }, { configPath: join(tmp, "json5.json") }),
          target("noexec", 8106, { argv: [join(tmp, "not-executable")] }),
          target("disabled", 8107, { argv: ["/nope"] }, { enabled: false }),
        ] as never;
      },
    });
    try {
      const report = await checkConfig(cfg.dir, { ports: false });
      const of = (name: string) => report.lines.filter((l) => l.subject === name).map((l) => [l.level, l.message]);
      expect(of("good")).toEqual([
        [
          "ok",
          `process: ${process.execPath} runs in ${join(tmp, "good")}, and ${join(tmp, "good", "openclaw.json")} matches port 8102 on loopback with a log file`,
        ],
      ]);
      expect(of("noprog")).toEqual([
        ["error", `restart.argv[0]: ${join(tmp, "no-such-node")} does not exist`],
        ["error", `restart.cwd: ${join(tmp, "gone")} does not exist`],
        ["error", `configPath: ${join(tmp, "missing.json")} does not exist (the gateway exits 78 without a config)`],
      ]);
      expect(of("wrong")).toEqual([
        ["error", `gateway.port: gateway.port 8111 in ${join(tmp, "wrong.json")}, but the target's baseUrl has port 8104`],
        [
          "warning",
          `gateway.bind: gateway.bind is "lan" in ${join(tmp, "wrong.json")}: set "loopback" (in a container the default is "auto", which binds 0.0.0.0)`,
        ],
        [
          "warning",
          `logging.file: logging.file is not set in ${join(tmp, "wrong.json")}: the gateway then logs to the shared /tmp/openclaw/openclaw-<date>.log`,
        ],
      ]);
      expect(of("offpath")).toEqual([
        ["error", `restart.argv[0]: no-such-program-xyz is not on PATH (${tmp})`],
        ["warning", expect.stringMatching(/^configPath: .*json5\.json does not parse as JSON \(.*\); its gateway settings were not checked/)],
      ]);
      expect(of("noexec")).toEqual([
        ["error", `restart.argv[0]: ${join(tmp, "not-executable")} is not executable`],
        ["warning", "configPath: not set (nor OPENCLAW_CONFIG_PATH in restart.env): the console cannot check, snapshot or restore this gateway's config"],
      ]);
      expect(of("disabled")).toEqual([]);
      expect(report.ok).toBe(false);
      expect(renderReport(report)).toMatch(/6 error\(s\), 4 warning\(s\)$/);
    } finally {
      cfg.remove();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
