import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "@ops/config";
import { afterEach, describe, expect, it } from "vitest";
import { buildExecArgv, loadsTsx } from "../src/child-runtime.ts";
import { createTestFleet, httpRequest, isPidAlive, waitFor, type TestFleet } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

type RunningMain = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

function runMain(env: Record<string, string>): RunningMain {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

function readAgentPids(stdout: string): number[] {
  return [...stdout.matchAll(/^\[sim\] \S+ pid (\d+) on /gm)].map((m) => Number(m[1]));
}

describe("supervisor process (main.ts)", () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  async function startMain(): Promise<{ run: RunningMain; fleet: TestFleet; pids: number[] }> {
    const fleet = await createTestFleet(["alpha", "beta"]);
    const run = runMain({ OPS_CONFIG_DIR: fleet.configDir, SIM_DATA_DIR: fleet.dataDir, SIM_STARTUP_MS: "200" });
    cleanups.push(() => {
      run.child.kill("SIGKILL");
      fleet.cleanup();
    });
    await waitFor(() => run.stdout().includes("control API on"), 15_000, `supervisor start (stderr: ${run.stderr()})`);
    const pids = readAgentPids(run.stdout());
    expect(pids).toHaveLength(2);
    expect(run.stdout()).toContain(`[sim] alpha pid ${pids[0]} on 127.0.0.1:${fleet.ports.alpha}`);
    expect(run.stdout()).toContain(`control API on http://127.0.0.1:${fleet.controlPort}`);
    return { run, fleet, pids };
  }

  it("exits 1 with the config issues and no stack trace on a bad fleet.json", async () => {
    const fleet = await createTestFleet(["alpha"]);
    cleanups.push(fleet.cleanup);
    const bad = join(fleet.dir, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "fleet.json"), JSON.stringify({ targets: [{ name: "Bad Name", kind: "agent", check: "openclaw", baseUrl: "nope" }] }, null, 2));
    const run = runMain({ OPS_CONFIG_DIR: bad, SIM_DATA_DIR: fleet.dataDir });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/fleet\.json:\d+:\d+ targets\[0\]\.name: /);
    expect(run.stderr()).toMatch(/targets\[0\]\.baseUrl/);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
  });

  it("SIGTERM stops every agent and exits 0", async () => {
    const { run, fleet, pids } = await startMain();
    await waitFor(async () => (await httpRequest(`http://127.0.0.1:${fleet.ports.beta}/readyz`)).status === 200, 10_000, "beta ready");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    for (const pid of pids) expect(isPidAlive(pid)).toBe(false);
  });

  it("agents do not outlive a supervisor killed with SIGKILL", async () => {
    const { run, pids } = await startMain();
    run.child.kill("SIGKILL");
    await run.exited;
    await waitFor(() => pids.every((pid) => !isPidAlive(pid)), 5000, "orphaned agents to exit");
  });
});

describe("buildExecArgv", () => {
  it("keeps flags that already load tsx and adds the loader otherwise", () => {
    expect(loadsTsx(["--import", "tsx"])).toBe(true);
    expect(loadsTsx(["--import=tsx"])).toBe(true);
    expect(loadsTsx(["--require", "/x/node_modules/.pnpm/tsx@4/node_modules/tsx/dist/preflight.cjs"])).toBe(true);
    expect(loadsTsx(["--require", "/x/node_modules/.pnpm/vitest@4_tsx@4/node_modules/vitest/suppress-warnings.cjs"])).toBe(false);
    expect(buildExecArgv(["--import", "tsx", "--inspect=9229"])).toEqual(["--import", "tsx"]);
    const added = buildExecArgv(["--conditions", "node"]);
    expect(added.slice(0, 2)).toEqual(["--conditions", "node"]);
    expect(added[2]).toBe("--import");
    expect(added[3]).toMatch(/^file:.*tsx.*loader\.mjs$/);
  });
});
