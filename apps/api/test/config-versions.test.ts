import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { snapshotConfig } from "@ops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

const dir = mkdtempSync(join(tmpdir(), "ops-api-config-"));
const file = join(dir, "openclaw.json");
const TOKEN = "tok-api-secret-77";
const good = `${JSON.stringify({ gateway: { mode: "local", port: 18099, bind: "loopback", auth: { mode: "token", token: TOKEN } }, logging: { file: join(dir, "gw.log") } }, null, 2)}\n`;

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;
let oncall: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  api = await startApi({
    fleet: (f) => {
      // nothing answers here: the simulator's agents have no known config file
      f.simulator = { controlUrl: "http://127.0.0.1:9", startupMs: 100 };
      f.targets.push({
        name: "gw",
        kind: "agent",
        check: "openclaw",
        baseUrl: "http://127.0.0.1:18099",
        configPath: file,
        restart: { driver: "none" },
      } as never);
    },
  });
  viewer = (await api.signIn(["viewer"])).headers;
  oncall = (await api.signIn(["oncall"])).headers;
  admin = (await api.signIn(["admin"])).headers;
  writeFileSync(file, good);
  chmodSync(file, 0o600);
  await api.stack.db.sql`UPDATE target_state SET status = 'ok', since = now() - interval '5 minutes' WHERE name = 'gw'`;
  const gw = api.config.fleet.targets.find((t) => t.name === "gw")!;
  expect((await snapshotConfig(api.stack.db, api.config, gw)).version).toBe(1);
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/targets/:name/config", () => {
  it("shows the file, its verdict and its last good copy; never the token", async () => {
    const r = await api.call("GET", "/api/targets/gw/config", viewer);
    expect(r.status).toBe(200);
    expect(r.json.config).toMatchObject({
      target: "gw",
      path: file,
      exists: true,
      validation: { valid: true, validator: "parses as JSON" },
      lastGood: { version: 1 },
      restoreCandidate: null,
      versions: [{ version: 1, kind: "snapshot" }],
      diff: null,
    });
    expect(r.text).not.toContain(TOKEN);
  });

  it("a broken file: invalid, and a redacted diff against the last good copy", async () => {
    writeFileSync(file, good.replace('"mode": "local"', '"mode": "remote"').replace(TOKEN, "tok-new-secret-1").slice(0, 60));
    const r = await api.call("GET", "/api/targets/gw/config", viewer);
    expect(r.json.config.validation).toMatchObject({ valid: false, summary: expect.stringMatching(/^does not parse as JSON/) });
    expect(r.json.config.restoreCandidate).toBe(1);
    expect(r.json.config.diff).toMatch(/^--- .*openclaw\.json \(last good, version 1, .*\)\n\+\+\+ .*openclaw\.json \(current\)\n@@ /);
    expect(r.json.config.diff).toContain('-      "token": "[redacted]"');
    expect(r.text).not.toContain(TOKEN);
    expect(r.text).not.toContain("tok-new-secret-1");
  });

  it("a target without a config file is 404 saying so; an unknown target 404; a simulator that does not answer 503", async () => {
    const none = await api.call("GET", "/api/targets/redis/config", viewer);
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ code: "NOT_FOUND", field: "name" });
    expect(none.json.message).toMatch(/^redis has no config file the console knows: set configPath in fleet\.json/);
    expect((await api.call("GET", "/api/targets/nobody/config", viewer)).json).toMatchObject({
      statusCode: 404,
      field: "name",
      message: 'target "nobody" not found',
    });
    const sim = await api.call("GET", "/api/targets/alpha/config", viewer);
    expect(sim.status).toBe(503);
    expect(sim.json.message).toContain("the simulator at http://127.0.0.1:9 did not answer");
  });
});

describe("GET /api/targets/:name/config/versions/:version", () => {
  it("the content, redacted", async () => {
    const r = await api.call("GET", "/api/targets/gw/config/versions/1", viewer);
    expect(r.status).toBe(200);
    expect(r.json.version).toMatchObject({ target: "gw", version: 1, kind: "snapshot", path: file });
    expect(r.json.version.content).toContain('"token": "[redacted]"');
    expect(r.json.version.content).toContain('"port": 18099');
    expect(r.text).not.toContain(TOKEN);
  });

  it("bad or unknown versions", async () => {
    expect((await api.call("GET", "/api/targets/gw/config/versions/abc", viewer)).json).toMatchObject({ statusCode: 400, field: "version" });
    expect((await api.call("GET", "/api/targets/gw/config/versions/0", viewer)).json).toMatchObject({ statusCode: 400, field: "version" });
    expect((await api.call("GET", "/api/targets/gw/config/versions/99", viewer)).json).toMatchObject({ statusCode: 404, field: "version" });
  });
});

describe("POST /api/targets/:name/config/restore", () => {
  it("is for on-call engineers", async () => {
    const r = await api.call("POST", "/api/targets/gw/config/restore", viewer, {});
    expect(r.status).toBe(403);
    expect(existsSync(file) && readFileSync(file, "utf8")).not.toBe(good);
  });

  it("bad input is a 400 naming the field", async () => {
    expect((await api.call("POST", "/api/targets/gw/config/restore", oncall, { version: "1" })).json).toMatchObject({ statusCode: 400, field: "version" });
    expect((await api.call("POST", "/api/targets/gw/config/restore", oncall, { version: 1.5 })).json).toMatchObject({ statusCode: 400, field: "version" });
    expect((await api.call("POST", "/api/targets/gw/config/restore", oncall, { force: true })).status).toBe(400);
    expect((await api.call("POST", "/api/targets/gw/config/restore", oncall, { version: 7 })).json).toMatchObject({ statusCode: 404, field: "version" });
  });

  it("restores the last good copy, keeps the broken file, says a restart is needed, and is audited", async () => {
    const broken = readFileSync(file, "utf8");
    const r = await api.call("POST", "/api/targets/gw/config/restore", oncall, {});
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      ok: true,
      restoredVersion: 1,
      restartNeeded: true,
      brokenCopy: expect.stringMatching(/openclaw\.json\.broken-\d{8}T\d{6}Z$/),
    });
    expect(r.json.note).toContain("restart the target to load it");
    expect(r.json.config).toMatchObject({
      diff: null,
      validation: { valid: true },
      versions: [
        { version: 2, kind: "broken" },
        { version: 1, kind: "snapshot" },
      ],
    });
    expect(readFileSync(file, "utf8")).toBe(good);
    expect(readFileSync(r.json.brokenCopy, "utf8")).toBe(broken);
    expect(r.text).not.toContain(TOKEN);

    const audit = await api.call("GET", "/api/audit?action=target.config.restore", admin);
    expect(audit.json.entries[0]).toMatchObject({
      action: "target.config.restore",
      target: { type: "target", id: "gw" },
      actor: { type: "user", label: expect.stringContaining("oncall") },
      after: { version: 1, brokenCopy: r.json.brokenCopy },
    });
    expect(audit.text).not.toContain(TOKEN);

    // the broken copy is a version of its own, and not one to restore
    expect((await api.call("POST", "/api/targets/gw/config/restore", oncall, { version: 2 })).json).toMatchObject({ statusCode: 400, field: "version" });
    // the file is the last good copy now: nothing to do
    const again = await api.call("POST", "/api/targets/gw/config/restore", oncall, {});
    expect(again.status).toBe(409);
    expect(again.json.message).toContain("is the same as the last-known-good copy (version 1)");
  });

  it("a target with no copy yet: 409 with the plain note", async () => {
    await api.stack.db.sql`DELETE FROM config_versions WHERE target = 'gw'`;
    const r = await api.call("POST", "/api/targets/gw/config/restore", oncall, {});
    expect(r.status).toBe(409);
    expect(r.json.message).toBe(`no last-known-good copy of ${file} yet: the console takes one after the target has been healthy for 60 s`);
    expect((await api.call("POST", "/api/targets/redis/config/restore", oncall, {})).status).toBe(404);
  });
});
