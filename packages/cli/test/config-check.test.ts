import http from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONFIG_DIR } from "@ops/config";
import { writeTestConfig } from "@ops/core/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
      expect(line?.message).toMatch(/agent-restart\.json:\d+:\d+ procedures\[\d+\]\.steps\[\d+\]\.steps\[\d+\]\.action\.target: \{\{agnet\}\} must name a parameter of type target/);
    } finally {
      cfg.remove();
    }
  });

  it("counts the shipped runbooks", async () => {
    const report = await checkConfig(DEFAULT_CONFIG_DIR, { ports: false });
    expect(report.lines.find((l) => l.subject === "runbooks/")).toMatchObject({ level: "ok", message: expect.stringMatching(/^6 runbooks, \d+ procedures, \d+ allow-listed commands$/) });
  });
});
