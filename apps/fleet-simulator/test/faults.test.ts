import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../src/simulator.ts";
import { agentOf, callControl, createTestFleet, getJson, httpRequest, waitFor, type TestFleet } from "./helpers.ts";

describe("transient faults", () => {
  let fleet: TestFleet;
  let sim: Simulator;
  const url = (name: string, path: string) => `http://127.0.0.1:${fleet.ports[name]}${path}`;
  const setFault = (name: string, body: unknown) => callControl(sim.controlUrl, "POST", `/agents/${name}/fault`, body);

  beforeAll(async () => {
    fleet = await createTestFleet(["alpha", "beta", "gamma"]);
    sim = await startSimulator({ configDir: fleet.configDir, dataDir: fleet.dataDir, controlPort: fleet.controlPort, startupMs: 200 });
    for (const name of ["alpha", "beta", "gamma"]) {
      await waitFor(async () => (await httpRequest(url(name, "/readyz"))).status === 200, 10_000, `${name} ready`);
    }
  });

  afterEach(async () => {
    for (const name of ["alpha", "beta", "gamma"]) await callControl(sim.controlUrl, "DELETE", `/agents/${name}/fault`);
  });

  afterAll(async () => {
    await sim?.stop();
    fleet?.cleanup();
  });

  it("hang: accepts the connection but never answers, and answers again once cleared", async () => {
    const r = await setFault("alpha", { kind: "hang" });
    expect(r.status).toBe(200);
    expect(agentOf(r).fault).toEqual({ kind: "hang" });
    await expect(httpRequest(url("alpha", "/healthz"), { timeoutMs: 800 })).rejects.toMatchObject({ code: "TIMEOUT" });
    const pending = httpRequest(url("alpha", "/healthz"), { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 200));
    await callControl(sim.controlUrl, "DELETE", "/agents/alpha/fault");
    expect((await pending).status).toBe(200);
  });

  it("slow: answers after the configured delay", async () => {
    await setFault("alpha", { kind: "slow", ms: 700 });
    const t0 = Date.now();
    const r = await httpRequest(url("alpha", "/readyz"), { timeoutMs: 5000 });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(650);
  });

  it("error: HTTP 500 with a JSON body on every probe path", async () => {
    await setFault("beta", { kind: "error" });
    for (const path of ["/healthz", "/readyz", "/startupz", "/health", "/ready", "/startup"]) {
      const r = await getJson(url("beta", path));
      expect(r.status).toBe(500);
      expect(r.json.error?.code).toBe("INTERNAL_ERROR");
    }
  });

  it("garbage: 200 with a body that is not JSON", async () => {
    await setFault("beta", { kind: "garbage" });
    const r = await httpRequest(url("beta", "/readyz"));
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.text)).toThrow();
  });

  it("degraded: readyz stays 200 and reports a slow event loop", async () => {
    await setFault("gamma", { kind: "degraded" });
    const r = await getJson(url("gamma", "/readyz"));
    expect(r.status).toBe(200);
    expect(r.json.ready).toBe(true);
    expect(r.json.eventLoop).toMatchObject({ degraded: true, reasons: ["event_loop_delay"] });
    expect(r.json.eventLoop?.degradedSinceMs).toBeTypeOf("number");
    expect(r.json.eventLoop?.delayP99Ms).toBeGreaterThanOrEqual(500);
  });

  it("memory: the memory figure climbs past 90 %", async () => {
    const before = (await getJson(url("gamma", "/readyz"))).json.resources?.memoryPercent ?? 0;
    expect(before).toBeLessThan(50);
    await setFault("gamma", { kind: "memory", ms: 1500 });
    const peak = await waitFor(
      async () => {
        const m = (await getJson(url("gamma", "/readyz"))).json.resources?.memoryPercent ?? 0;
        return m > 90 ? m : undefined;
      },
      8000,
      "memory > 90 %",
    );
    expect(peak).toBeGreaterThan(90);
    await callControl(sim.controlUrl, "DELETE", "/agents/gamma/fault");
    expect((await getJson(url("gamma", "/readyz"))).json.resources?.memoryPercent).toBeLessThan(50);
  });

  it("a transient fault ends when the process restarts", async () => {
    await setFault("beta", { kind: "error" });
    const restarted = agentOf(await callControl(sim.controlUrl, "POST", "/agents/beta/restart"));
    expect(restarted.fault).toBeNull();
    await waitFor(async () => (await httpRequest(url("beta", "/readyz"))).status === 200, 10_000, "beta ready");
  });
});

describe("control API input", () => {
  let fleet: TestFleet;
  let sim: Simulator;

  beforeAll(async () => {
    fleet = await createTestFleet(["delta"]);
    sim = await startSimulator({ configDir: fleet.configDir, dataDir: fleet.dataDir, controlPort: fleet.controlPort, startupMs: 200 });
  });

  afterAll(async () => {
    await sim?.stop();
    fleet?.cleanup();
  });

  it("rejects bad fault bodies with a 400 naming the field", async () => {
    const unknownKind = await callControl(sim.controlUrl, "POST", "/agents/delta/fault", { kind: "explode" });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.json).toMatchObject({ statusCode: 400, code: "VALIDATION", field: "kind" });
    expect(unknownKind.json.message).toContain("crash, hang, slow, error, garbage, degraded, memory, badconfig, slowstart");

    for (const ms of [-5, 0, 1.5, "100"]) {
      const r = await callControl(sim.controlUrl, "POST", "/agents/delta/fault", { kind: "slow", ms });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: "VALIDATION", field: "ms" });
    }

    const badJson = await callControl(sim.controlUrl, "POST", "/agents/delta/fault", "{kind: crash");
    expect(badJson.status).toBe(400);
    expect(badJson.json.message).toMatch(/invalid JSON body/);

    const empty = await callControl(sim.controlUrl, "POST", "/agents/delta/fault", "");
    expect(empty.status).toBe(400);

    const keepAlive = await callControl(sim.controlUrl, "PUT", "/agents/delta/keepalive", { enabled: "yes" });
    expect(keepAlive.json).toMatchObject({ statusCode: 400, code: "VALIDATION", field: "enabled" });

    const huge = await callControl(sim.controlUrl, "POST", "/agents/delta/fault", JSON.stringify({ kind: "slow", pad: "x".repeat(20_000) }));
    expect(huge.status).toBe(413);

    expect(agentOf(await callControl(sim.controlUrl, "GET", "/agents/delta")).fault).toBeNull();
  });

  it("answers 404 for unknown agents and routes, 405 for wrong methods", async () => {
    const agent = await callControl(sim.controlUrl, "POST", "/agents/nobody/fault", { kind: "crash" });
    expect(agent.status).toBe(404);
    expect(agent.json).toMatchObject({ statusCode: 404, code: "NOT_FOUND" });
    expect((await callControl(sim.controlUrl, "GET", "/agents/nobody")).status).toBe(404);
    expect((await callControl(sim.controlUrl, "GET", "/nothing/here")).json).toMatchObject({ statusCode: 404, code: "NOT_FOUND" });
    expect((await callControl(sim.controlUrl, "GET", "/agents/delta/restart")).status).toBe(405);
  });

  it("toggles keep-alive", async () => {
    expect(agentOf(await callControl(sim.controlUrl, "PUT", "/agents/delta/keepalive", { enabled: true })).keepAlive).toBe(true);
    expect(agentOf(await callControl(sim.controlUrl, "PUT", "/agents/delta/keepalive", { enabled: false })).keepAlive).toBe(false);
  });
});
