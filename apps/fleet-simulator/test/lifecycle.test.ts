import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../src/simulator.ts";
import { agentOf, callControl, createTestFleet, getJson, httpRequest, isPidAlive, probePort, waitFor, type TestFleet } from "./helpers.ts";

const NAMES = ["alpha", "beta", "gamma", "delta"];

describe("process lifecycle", () => {
  let fleet: TestFleet;
  let sim: Simulator;
  const url = (name: string, path: string) => `http://127.0.0.1:${fleet.ports[name]}${path}`;
  const control = (method: string, path: string, body?: unknown) => callControl(sim.controlUrl, method, path, body);
  const readAgent = async (name: string) => agentOf(await control("GET", `/agents/${name}`));
  const waitReady = (name: string) => waitFor(async () => (await httpRequest(url(name, "/readyz"))).status === 200, 10_000, `${name} ready`);

  beforeAll(async () => {
    fleet = await createTestFleet(NAMES);
    sim = await startSimulator({ configDir: fleet.configDir, dataDir: fleet.dataDir, controlPort: fleet.controlPort, startupMs: 200 });
    for (const name of NAMES) await waitReady(name);
  });

  afterAll(async () => {
    await sim?.stop();
    fleet?.cleanup();
  });

  it("crash kills the real process once; a restart brings it back healthy", async () => {
    const before = await readAgent("alpha");
    expect(before.pid).toBeTypeOf("number");
    const oldPid = before.pid ?? 0;
    await new Promise((r) => setTimeout(r, 300));
    const crashed = agentOf(await control("POST", "/agents/alpha/fault", { kind: "crash" }));
    expect(crashed).toMatchObject({ state: "crashed", pid: null, lastExitCode: 1, fault: null, uptimeMs: null });
    expect(isPidAlive(oldPid)).toBe(false);
    expect(await probePort(fleet.ports.alpha ?? 0)).toBe("refused");
    expect(readFileSync(crashed.logFile, "utf8")).toContain('"logLevelName":"FATAL"');

    await new Promise((r) => setTimeout(r, 300));
    expect((await readAgent("alpha")).state).toBe("crashed");

    const restartAt = Date.now();
    const restarted = agentOf(await control("POST", "/agents/alpha/restart"));
    expect(restarted.pid).not.toBe(oldPid);
    expect(isPidAlive(restarted.pid ?? 0)).toBe(true);
    expect(restarted.restarts).toBe(1);
    await waitReady("alpha");
    const startup = await getJson(url("alpha", "/startupz"));
    expect(startup.json.uptimeMs).toBeLessThanOrEqual(Date.now() - restartAt);
    const after = await readAgent("alpha");
    expect(after.state).toBe("running");
    expect(after.uptimeMs).toBeLessThanOrEqual(Date.now() - restartAt);
  });

  it("keep-alive restarts a crashed process by itself", async () => {
    await control("PUT", "/agents/beta/keepalive", { enabled: true });
    const oldPid = (await readAgent("beta")).pid;
    await control("POST", "/agents/beta/fault", { kind: "crash" });
    const back = await waitFor(
      async () => {
        const a = await readAgent("beta");
        return a.state === "running" && a.pid !== oldPid ? a : undefined;
      },
      10_000,
      "beta back",
    );
    expect(back).toMatchObject({ restarts: 1, lastExitCode: 1, fault: null, keepAlive: true });
    expect(isPidAlive(back.pid ?? 0)).toBe(true);
    await waitReady("beta");
  });

  it("badconfig exits 78, persists across restarts, and a restart works once cleared", async () => {
    const failed = agentOf(await control("POST", "/agents/gamma/fault", { kind: "badconfig" }));
    expect(failed).toMatchObject({ state: "failed", pid: null, lastExitCode: 78, fault: { kind: "badconfig" } });
    expect(failed.lastError).toContain("Gateway failed to start: Invalid config at");
    expect(failed.lastError).toContain("<root>: JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 2:1");
    const listed = (await control("GET", "/agents")).json.agents?.find((a) => a.name === "gamma");
    expect(listed?.lastExitCode).toBe(78);
    expect(await probePort(fleet.ports.gamma ?? 0)).toBe("refused");

    const again = agentOf(await control("POST", "/agents/gamma/restart"));
    expect(again).toMatchObject({ state: "failed", lastExitCode: 78, fault: { kind: "badconfig" } });
    expect(readFileSync(again.logFile, "utf8")).toContain("JSON5 parse failed");

    const hang = await control("POST", "/agents/gamma/fault", { kind: "hang" });
    expect(hang.status).toBe(409);

    const cleared = agentOf(await control("DELETE", "/agents/gamma/fault"));
    expect(cleared.fault).toBeNull();
    const fixed = agentOf(await control("POST", "/agents/gamma/restart"));
    expect(fixed.pid).toBeTypeOf("number");
    await waitReady("gamma");
  });

  it("badconfig breaks the file itself: exit 78 on every start until the file is restored, then running", async () => {
    const configFile = join((await readAgent("gamma")).stateDir, "openclaw.json");
    const good = readFileSync(configFile, "utf8");
    expect(JSON.parse(good)).toMatchObject({ gateway: { mode: "local", port: fleet.ports.gamma } });

    const failed = agentOf(await control("POST", "/agents/gamma/fault", { kind: "badconfig" }));
    expect(failed).toMatchObject({ state: "failed", lastExitCode: 78, fault: { kind: "badconfig" } });
    expect(readFileSync(configFile, "utf8")).toBe("{\n");
    const again = agentOf(await control("POST", "/agents/gamma/restart"));
    expect(again).toMatchObject({ state: "failed", lastExitCode: 78 });
    // a start does not rewrite it: it stays broken, as a real gateway's would
    expect(readFileSync(configFile, "utf8")).toBe("{\n");

    // restore the file as the console does (a temp file renamed over it), without touching the fault
    writeFileSync(`${configFile}.tmp`, good);
    renameSync(`${configFile}.tmp`, configFile);
    const restarted = agentOf(await control("POST", "/agents/gamma/restart"));
    expect(restarted.pid).toBeTypeOf("number");
    expect(restarted.fault).toBeNull();
    await waitReady("gamma");
    expect((await readAgent("gamma")).state).toBe("running");
  });

  it("the config file persists across restarts: an edit is what the next start reads", async () => {
    const configFile = join((await readAgent("gamma")).stateDir, "openclaw.json");
    const edited = JSON.stringify({ ...JSON.parse(readFileSync(configFile, "utf8")), meta: { editedBy: "test" } }, null, 2);
    writeFileSync(configFile, edited);
    await control("POST", "/agents/gamma/restart");
    await waitReady("gamma");
    expect(readFileSync(configFile, "utf8")).toBe(edited);
  });

  it("slowstart keeps the agent starting (503) for the configured time on every start", async () => {
    const set = agentOf(await control("POST", "/agents/delta/fault", { kind: "slowstart", ms: 2500 }));
    expect(set).toMatchObject({ state: "starting", fault: { kind: "slowstart", ms: 2500 } });
    const t0 = Date.now();
    const first = await getJson(url("delta", "/startupz"));
    expect(first.status).toBe(503);
    expect(first.json.status).toBe("starting");
    expect((await httpRequest(url("delta", "/healthz"))).status).toBe(200);
    await waitReady("delta");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1800);

    await control("POST", "/agents/delta/restart");
    expect((await httpRequest(url("delta", "/readyz"))).status).toBe(503);
    await control("DELETE", "/agents/delta/fault");
    await control("POST", "/agents/delta/restart");
    const t1 = Date.now();
    await waitReady("delta");
    expect(Date.now() - t1).toBeLessThan(1500);
  });

  it("stop and start drive the process; stopping leaves the port closed", async () => {
    const pid = (await readAgent("alpha")).pid ?? 0;
    const stopped = agentOf(await control("POST", "/agents/alpha/stop"));
    expect(stopped).toMatchObject({ state: "stopped", pid: null, lastExitCode: 0 });
    expect(isPidAlive(pid)).toBe(false);
    expect(await probePort(fleet.ports.alpha ?? 0)).toBe("refused");
    expect((await control("POST", "/agents/alpha/fault", { kind: "error" })).json).toMatchObject({ statusCode: 409, code: "CONFLICT" });
    const started = agentOf(await control("POST", "/agents/alpha/start"));
    expect(started.state).toBe("starting");
    await waitReady("alpha");
  });

  it("stop() leaves no agent process alive", async () => {
    const pids = ((await control("GET", "/agents")).json.agents ?? []).flatMap((a) => (a.pid === null ? [] : [a.pid]));
    expect(pids.length).toBe(NAMES.length);
    await sim.stop();
    for (const pid of pids) expect(isPidAlive(pid)).toBe(false);
    await expect(httpRequest(`${sim.controlUrl}/healthz`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
