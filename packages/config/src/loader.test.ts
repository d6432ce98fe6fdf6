import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, formatIssue, loadConfig, loadConfigFile, loadRunbooks, parseConfigText } from "./loader.ts";
import { DEFAULT_CONFIG_DIR } from "./paths.ts";
import { FleetConfig, MonitoringConfig, portOf, pathOf, hostOf } from "./schemas.ts";

const dirs: string[] = [];
function copyOfDefaults(): string {
  const dir = mkdtempSync(join(tmpdir(), "ops-config-"));
  cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the shipped configuration", () => {
  it("loads and carries the seeds' numbers", () => {
    const c = loadConfig(DEFAULT_CONFIG_DIR);
    const agents = c.fleet.targets.filter((t) => t.kind === "agent");
    expect(agents.map((a) => [a.name, portOf(a.baseUrl)])).toEqual([
      ["steward", 8001], ["alpha", 8002], ["beta", 8003], ["charlie", 8004], ["examiner", 8005], ["explorer", 8006],
      ["sentinel", 8007], ["coder", 8008], ["dreamer", 8009], ["empath", 8010], ["historian", 8011],
    ]);
    expect(agents.every((a) => a.container === `heretek-${a.name}`)).toBe(true);
    expect(c.monitoring.healthCheck.intervalSeconds).toBe(30);
    expect(c.monitoring.retention.samplesDays).toBe(30);
    expect(c.monitoring.alerting.cooldownMinutes).toBe(15);
    expect(c.monitoring.heartbeatTimeoutSeconds).toBe(120);
    expect(c.monitoring.thresholds).toEqual({
      cpuPercent: { warning: 70, critical: 90 },
      memoryPercent: { warning: 75, critical: 90 },
      diskPercent: { warning: 80, critical: 95 },
      responseTimeMs: { warning: 5000, critical: 15000 },
    });
    expect(c.monitoring.selfHealing.backoffSeconds).toEqual([10, 30, 90, 180, 600]);
    expect(c.backup.types.database).toMatchObject({ schedule: "0 2 * * *", retentionDays: 30, minBackups: 7 });
    expect(c.backup.types.agentState).toMatchObject({ schedule: "0 */6 * * *", retentionDays: 7, minBackups: 4 });
    expect(c.backup.types.full).toMatchObject({ schedule: "0 5 * * 0", retentionDays: 90, minBackups: 4 });
    expect(c.governance.categories.tactical).toMatchObject({ threshold: "supermajority", timeoutMinutes: 10, requires: ["examiner"] });
    expect(c.governance.categories.emergency).toMatchObject({ threshold: "simple", timeoutMinutes: 1 });
    expect(c.governance.eligibleVoters).toEqual(["alpha", "beta", "charlie"]);
  });
});

describe("the docker-compose configuration", () => {
  it("loads, with the agents on the simulator's host", () => {
    const c = loadConfig(join(DEFAULT_CONFIG_DIR, "..", "deploy", "compose-config"));
    expect(c.fleet.simulator.controlUrl).toBe("http://simulator:8100");
    expect(c.fleet.targets.find((t) => t.name === "alpha")!.baseUrl).toBe("http://simulator:8002");
  });
});

describe("errors name the file, the JSON path, line and column", () => {
  it("a syntax error gives line and column", () => {
    const r = parseConfigText("fleet.json", '{\n  "targets": [\n    { "name": "a", }\n  ]\n}\n', FleetConfig);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({ file: "fleet.json", path: "(syntax)", line: 3, column: 20 });
    expect(r.issues[0]!.message).toMatch(/^invalid JSON: /);
  });

  it("an empty file is a syntax error", () => {
    const r = parseConfigText("fleet.json", "", FleetConfig);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/invalid JSON/);
  });

  it("comments are refused: these files are plain JSON", () => {
    const r = parseConfigText("m.json", '{ // hi\n}', MonitoringConfig);
    expect(r.ok).toBe(false);
  });

  it("a schema problem points at the field", () => {
    const dir = copyOfDefaults();
    const file = join(dir, "fleet.json");
    const fleet = JSON.parse(readFileSync(file, "utf8"));
    fleet.targets[3].kind = "robot";
    writeFileSync(file, JSON.stringify(fleet, null, 2));
    const r = loadConfigFile(dir, "fleet");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues[0]!;
    expect(issue.path).toBe("targets[3].kind");
    expect(issue.file).toBe(file);
    const line = readFileSync(file, "utf8").split("\n")[issue.line! - 1]!;
    expect(line).toContain('"robot"');
    expect(formatIssue(issue)).toMatch(new RegExp(`fleet\\.json:${issue.line}:\\d+ targets\\[3\\]\\.kind: `));
  });

  it("a missing field points at its parent object", () => {
    const r = parseConfigText("m.json", JSON.stringify({ healthCheck: { timeoutMs: 1000 } }, null, 2), MonitoringConfig);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const interval = r.issues.find((i) => i.path === "healthCheck.intervalSeconds");
    expect(interval).toBeDefined();
    expect(interval!.line).toBe(2);
  });

  it("rules across fields: warning below critical, timeout below interval, unique names and addresses", () => {
    const dir = copyOfDefaults();
    const m = JSON.parse(readFileSync(join(dir, "monitoring-config.json"), "utf8"));
    m.thresholds.cpuPercent = { warning: 95, critical: 90 };
    m.healthCheck.timeoutMs = 60_000;
    writeFileSync(join(dir, "monitoring-config.json"), JSON.stringify(m, null, 2));
    const f = JSON.parse(readFileSync(join(dir, "fleet.json"), "utf8"));
    f.targets[1].name = "steward";
    f.targets[2].baseUrl = "http://127.0.0.1:8001";
    writeFileSync(join(dir, "fleet.json"), JSON.stringify(f, null, 2));
    try {
      loadConfig(dir);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const paths = (err as ConfigError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(["thresholds.cpuPercent.warning", "healthCheck.timeoutMs", "targets[1].name", "targets[2].baseUrl"]));
    }
  });

  it("a missing file is named", () => {
    const dir = copyOfDefaults();
    rmSync(join(dir, "backup-config.json"));
    expect(() => loadConfig(dir)).toThrow(/backup-config\.json \(file\): file not found/);
  });

  it("a tcp check needs a tcp URL with a port, an http check an http URL", () => {
    const base = { kind: "service", restart: { driver: "none" } };
    const bad = FleetConfig.safeParse({ targets: [{ ...base, name: "pg", check: "tcp", baseUrl: "http://127.0.0.1:5432" }] });
    expect(bad.success).toBe(false);
    const bad2 = FleetConfig.safeParse({ targets: [{ ...base, name: "web", check: "http", baseUrl: "tcp://127.0.0.1:80" }] });
    expect(bad2.success).toBe(false);
    const good = FleetConfig.safeParse({ targets: [{ ...base, name: "pg", check: "tcp", baseUrl: "tcp://127.0.0.1:5432" }] });
    expect(good.success).toBe(true);
  });

  it("restart drivers are typed: argv arrays, not shell strings", () => {
    const t = { name: "a", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:8001" };
    expect(FleetConfig.safeParse({ targets: [{ ...t, restart: { driver: "command", argv: "systemctl restart x" } }] }).success).toBe(false);
    expect(FleetConfig.safeParse({ targets: [{ ...t, restart: { driver: "command", argv: ["systemctl", "restart", "x"] } }] }).success).toBe(true);
    expect(FleetConfig.safeParse({ targets: [{ ...t, restart: { driver: "teleport" } }] }).success).toBe(false);
  });
});

describe("URL helpers", () => {
  it("port, host and path of a base URL", () => {
    expect(portOf("http://127.0.0.1:8001")).toBe(8001);
    expect(portOf("http://example.com")).toBe(80);
    expect(portOf("https://example.com/x")).toBe(443);
    expect(portOf("tcp://db:5432")).toBe(5432);
    expect(hostOf("http://127.0.0.1:8001/t/1")).toBe("127.0.0.1");
    expect(pathOf("http://127.0.0.1:8001/t/1/")).toBe("/t/1");
    expect(pathOf("http://127.0.0.1:8001")).toBe("");
  });
});

describe("childEnvironment", () => {
  it("passes the basics and the target's own variables, never the console's secrets", async () => {
    const { childEnvironment } = await import("./env.ts");
    const env = childEnvironment({ GATEWAY: "x" }, { PATH: "/bin", HOME: "/root", DATABASE_URL: "postgres://u:p@h/db", OPS_ADMIN_PASSWORD: "secret" });
    expect(env).toEqual({ PATH: "/bin", HOME: "/root", GATEWAY: "x" });
  });
});

describe("runbook definitions", () => {
  it("loads the six shipped runbooks and the command allow-list", () => {
    const r = loadRunbooks(DEFAULT_CONFIG_DIR);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.runbooks.map((b) => b.id).sort()).toEqual(["agent-restart", "backup-restoration", "database-corruption", "emergency-shutdown", "service-failure", "troubleshooting"]);
    expect(Object.values(r.value.commands).every((c) => !["sh", "bash", "rm", "/bin/sh"].includes(c.argv[0]!))).toBe(true);
  });

  it("falls back to the shipped runbooks for a config folder without runbooks/", () => {
    const dir = copyOfDefaults();
    rmSync(join(dir, "runbooks"), { recursive: true });
    const c = loadConfig(dir);
    expect(c.runbooks.runbooks).toHaveLength(6);
    expect(c.runbooks.dir).toBe(join(DEFAULT_CONFIG_DIR, "runbooks"));
  });

  it("reports a broken definition with file, line, column and path, and refuses to load", () => {
    const dir = copyOfDefaults();
    const file = join(dir, "runbooks", "troubleshooting.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"type": "check-target"', '"type": "shell-script"'));
    expect(() => loadConfig(dir)).toThrow(ConfigError);
    const r = loadRunbooks(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({ file, line: expect.any(Number), column: expect.any(Number), path: expect.stringMatching(/^procedures\[\d+\]\.steps\[\d+\]\.action\.type$/) });
  });

  it("refuses two files with the same runbook id", () => {
    const dir = copyOfDefaults();
    writeFileSync(join(dir, "runbooks", "copy.json"), readFileSync(join(dir, "runbooks", "agent-restart.json")));
    const r = loadRunbooks(dir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toContain('runbook id "agent-restart" is also used by agent-restart.json');
  });
});

describe("SLOs in monitoring-config.json", () => {
  function withSlos(slos: unknown[]): string {
    const dir = copyOfDefaults();
    const file = join(dir, "monitoring-config.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...json, slos }, null, 2));
    return dir;
  }
  const issuesOf = (dir: string) => {
    try {
      loadConfig(dir);
    } catch (err) {
      return (err as ConfigError).issues;
    }
    throw new Error("the config loaded");
  };

  it("are optional, and load with the API's defaults", () => {
    expect(loadConfig(DEFAULT_CONFIG_DIR).monitoring.slos).toEqual([]);
    const c = loadConfig(
      withSlos([
        { name: "alpha up", kind: "availability", selector: { type: "targets", targets: ["alpha"] }, objectivePercent: 99.9 },
        { name: "agents fast", kind: "latency", thresholdMs: 500, selector: { type: "group", group: "agents" }, objectivePercent: 99, windowDays: 7, policy: "approval" },
      ]),
    );
    expect(c.monitoring.slos).toEqual([
      { name: "alpha up", kind: "availability", selector: { type: "targets", targets: ["alpha"] }, objectivePercent: 99.9, windowDays: 30, policy: "none" },
      { name: "agents fast", kind: "latency", thresholdMs: 500, selector: { type: "group", group: "agents" }, objectivePercent: 99, windowDays: 7, policy: "approval" },
    ]);
  });

  it("a bad entry names the file, the entry and the field", () => {
    const dir = withSlos([
      { name: "ok", kind: "availability", selector: { type: "targets", targets: ["alpha"] }, objectivePercent: 99.9 },
      { name: "slow", kind: "latency", selector: { type: "targets", targets: ["alpha"] }, objectivePercent: 99 },
      { name: "odd", kind: "latency", thresholdMs: 300, selector: { type: "targets", targets: ["alpha"] }, objectivePercent: 99 },
      { name: "big", kind: "availability", selector: { type: "targets", targets: ["alpha"] }, objectivePercent: 99.9, windowDays: 365 },
    ]);
    const issues = issuesOf(dir);
    const file = join(dir, "monitoring-config.json");
    expect(issues.map((i) => [i.file, i.path])).toEqual([
      [file, "slos[1].thresholdMs"],
      [file, "slos[2].thresholdMs"],
      [file, "slos[3].windowDays"],
    ]);
    expect(issues[0]!.message).toBe("a latency SLO needs a threshold");
    expect(issues[1]!.message).toMatch(/must be one of 100, 250, 500/);
    expect(issues.every((i) => i.line !== null)).toBe(true);
    expect(formatIssue(issues[2]!)).toMatch(/monitoring-config\.json:\d+:\d+ slos\[3\]\.windowDays: /);
  });

  it("an unknown target or a repeated name is refused, naming the entry", () => {
    const dir = withSlos([
      { name: "a", kind: "availability", selector: { type: "targets", targets: ["alpha", "nobody"] }, objectivePercent: 99.9 },
      { name: "a", kind: "availability", selector: { type: "group", group: "all" }, objectivePercent: 99 },
    ]);
    expect(issuesOf(dir).map((i) => `${i.path}: ${i.message}`)).toEqual(['slos[1].name: "a" is also the name of slos[0]']);
    const unknown = withSlos([{ name: "a", kind: "availability", selector: { type: "targets", targets: ["alpha", "nobody"] }, objectivePercent: 99.9 }]);
    expect(issuesOf(unknown).map((i) => `${i.path}: ${i.message}`)).toEqual(['slos[0].selector.targets[1]: SLO "a": no target "nobody" in the fleet file']);
  });

  it("SLOs are evaluated every minute unless slo.evaluateEverySeconds says sooner (5–60 s)", () => {
    expect(loadConfig(DEFAULT_CONFIG_DIR).monitoring.slo.evaluateEverySeconds).toBe(60);
    const withSlo = (slo: unknown) => {
      const dir = copyOfDefaults();
      const file = join(dir, "monitoring-config.json");
      writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, "utf8")) as object), slo }, null, 2));
      return dir;
    };
    expect(loadConfig(withSlo({ availabilityTarget: 99.9, windowDays: 30, evaluateEverySeconds: 5 })).monitoring.slo.evaluateEverySeconds).toBe(5);
    expect(loadConfig(withSlo({ availabilityTarget: 99.9, windowDays: 30 })).monitoring.slo.evaluateEverySeconds).toBe(60);
    for (const bad of [1, 61]) {
      expect(issuesOf(withSlo({ availabilityTarget: 99.9, windowDays: 30, evaluateEverySeconds: bad })).map((i) => i.path)).toEqual(["slo.evaluateEverySeconds"]);
    }
  });
});
