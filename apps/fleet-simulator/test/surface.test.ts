import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../src/simulator.ts";
import { callControl, createTestFleet, getJson, httpRequest, waitFor, type TestFleet } from "./helpers.ts";

const NAMES = ["alpha", "beta", "gamma"];

describe("agent probe surface", () => {
  let fleet: TestFleet;
  let sim: Simulator;
  let blocker: Server;
  const url = (name: string, path: string) => `http://127.0.0.1:${fleet.ports[name]}${path}`;

  beforeAll(async () => {
    fleet = await createTestFleet([...NAMES, "blocked"]);
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(fleet.ports.blocked, "127.0.0.1", resolve));
    sim = await startSimulator({ configDir: fleet.configDir, dataDir: fleet.dataDir, controlPort: fleet.controlPort, startupMs: 4000 });
  });

  afterAll(async () => {
    await sim?.stop();
    blocker?.close();
    fleet?.cleanup();
  });

  it("is live but not ready while starting, then ready", async () => {
    for (const name of NAMES) {
      const live = await getJson(url(name, "/healthz"));
      expect(live).toEqual({ status: 200, json: { ok: true, status: "live" } });
      const ready = await getJson(url(name, "/readyz"));
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ ready: false, failing: ["startup-sidecars"] });
      const startup = await getJson(url(name, "/startupz"));
      expect(startup.status).toBe(503);
      expect(startup.json).toMatchObject({ ok: false, status: "starting", version: "2026.9.6", pendingReason: "startup-sidecars" });
    }
    const agents = await callControl(sim.controlUrl, "GET", "/agents");
    expect(agents.json.agents?.filter((a) => NAMES.includes(a.name)).map((a) => a.state)).toEqual(["starting", "starting", "starting"]);

    for (const name of NAMES) {
      await waitFor(async () => (await httpRequest(url(name, "/readyz"))).status === 200, 10_000, `${name} ready`);
      const ready = await getJson(url(name, "/ready"));
      expect(ready.json).toMatchObject({ ready: true, failing: [], eventLoop: { degraded: false, degradedSinceMs: null, reasons: [] } });
      const { cpuPercent, memoryPercent, diskPercent } = ready.json.resources ?? { cpuPercent: 0, memoryPercent: 0, diskPercent: 0 };
      expect(cpuPercent).toBeGreaterThan(0);
      expect(cpuPercent).toBeLessThan(25);
      expect(memoryPercent).toBeGreaterThan(28);
      expect(memoryPercent).toBeLessThan(47);
      expect(diskPercent).toBeGreaterThan(38);
      expect(diskPercent).toBeLessThan(57);
      const startup = await getJson(url(name, "/startup"));
      expect(startup.json).toMatchObject({ ok: true, status: "started", version: "2026.9.6" });
      expect(startup.json.uptimeMs).toBeGreaterThanOrEqual(4000);
      expect((await getJson(url(name, "/health"))).json).toEqual({ ok: true, status: "live" });
    }
    await waitFor(async () => (await callControl(sim.controlUrl, "GET", "/agents/alpha")).json.agent?.state === "running", 5000, "running state");
  });

  it("answers HEAD, refuses POST, serves a page at / and 404 elsewhere", async () => {
    const head = await httpRequest(url("alpha", "/healthz"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const post = await httpRequest(url("alpha", "/healthz"), { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    const home = await httpRequest(url("alpha", "/"));
    expect(home.status).toBe(200);
    expect(home.headers["content-type"]).toContain("text/html");
    const missing = await httpRequest(url("alpha", "/api/nothing"));
    expect(missing.status).toBe(404);
    expect(missing.text).toBe("Not Found");
  });

  it("simulates only the openclaw targets driven by the simulator", async () => {
    const { json } = await callControl(sim.controlUrl, "GET", "/agents");
    expect(json.agents?.map((a) => a.name).sort()).toEqual(["alpha", "beta", "blocked", "gamma"]);
    expect((await callControl(sim.controlUrl, "GET", "/healthz")).json).toEqual({ ok: true });
  });

  it("writes tslog-shaped JSON lines to the agent's log file", () => {
    const lines = readFileSync(`${fleet.dataDir}/logs/alpha.log`, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const messages = lines.map((l) => l.message);
    expect(messages).toContain("loading configuration…");
    expect(messages.some((m) => String(m).startsWith("http server listening"))).toBe(true);
    expect(messages).toContain("ready");
    expect(lines[0]).toMatchObject({ "0": '{"subsystem":"gateway"}', "1": "loading configuration…", _meta: { logLevelName: "INFO" } });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT.*\+00:00$/);
  });

  it("fails like the real gateway when its port is taken", async () => {
    const { json } = await callControl(sim.controlUrl, "GET", "/agents/blocked");
    expect(json.agent).toMatchObject({ state: "failed", pid: null, lastExitCode: 1 });
    const port = fleet.ports.blocked;
    expect(json.agent?.lastError).toContain(
      `Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:${port} | listen EADDRINUSE: address already in use 127.0.0.1:${port} | EADDRINUSE`,
    );
    expect(readFileSync(`${fleet.dataDir}/logs/blocked.log`, "utf8")).toContain("EADDRINUSE");
  });
});
