import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { listRestarts } from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayLike } from "../../../packages/core/test/fake-gateway.ts";

const dir = mkdtempSync(join(tmpdir(), "ops-kill-"));
const marker = join(dir, "restarts.log");
const script = join(dir, "slow-restart.mjs");
// A restart command that takes a while: long enough to kill the worker in the middle of it.
writeFileSync(
  script,
  `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(marker)}, process.pid + "\\n");\nsetTimeout(() => process.exit(0), 20000);\n`,
);

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
const gateway = await startGatewayLike();
const workers: ChildProcess[] = [];

const lines = () => (existsSync(marker) ? readFileSync(marker, "utf8").trim().split("\n").filter(Boolean) : []);

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps/worker/src/main.ts")], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: stack.redisUrl,
      OPS_REDIS_PREFIX: stack.prefix,
      OPS_CONFIG_DIR: cfg.dir,
      OPS_JOB_LOCK_SECONDS: "3",
    },
    stdio: "ignore",
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  stack = await openTestStack();
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = [
        {
          name: "delta",
          kind: "agent",
          check: "openclaw",
          baseUrl: gateway.baseUrl,
          restart: { driver: "command", argv: [process.execPath, script, "{name}"] },
        },
      ] as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds: 1, timeoutMs: 500 });
      Object.assign(m.selfHealing as object, { backoffSeconds: [1], maxRestartsInWindow: 10, restartWindowSeconds: 60, startupGraceSeconds: 0 });
    },
  });
});

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  for (const pid of lines()) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {}
  }
  await gateway.close();
  await stack?.close();
  cfg?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe("[LADDER] a worker killed in the middle of a restart", () => {
  it("neither loses nor repeats the restart: the attempt is marked interrupted and the ladder goes on", async () => {
    const first = startWorker();
    await until(
      "a first probe",
      () => listRestarts(stack.db, { limit: 1 }).then(() => lines().length),
      () => true,
    );
    await gateway.stop();
    await until("the restart command started", lines, (l) => l.length === 1);
    const [started] = await until(
      "attempt 1 recorded as started",
      () => listRestarts(stack.db, { target: "delta", limit: 5 }),
      (r) => r.length === 1,
    );
    expect(started).toMatchObject({ attempt: 1, status: "started" });

    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    startWorker();

    const restarts = await until(
      "attempt 1 interrupted and attempt 2 begun",
      () => listRestarts(stack.db, { target: "delta", limit: 5 }),
      (r) => r.some((x) => x.attempt === 1 && x.status === "interrupted") && r.some((x) => x.attempt === 2),
      40_000,
    );
    expect(restarts.filter((r) => r.attempt === 1)).toHaveLength(1);
    expect(restarts.find((r) => r.attempt === 1)!.output).toBe("the worker stopped during this restart; not repeated");
    // The command ran once for attempt 1 and once for attempt 2: attempt 1 was not run again.
    await until("attempt 2's command", lines, (l) => l.length === 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(lines()).toHaveLength(2);
  });
});
