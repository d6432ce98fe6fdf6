import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { createQueues, enqueue, listBackups, type Queues } from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import { prepareDatabase } from "@ops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const work = mkdtempSync(join(tmpdir(), "ops-backup-kill-"));
const data = join(work, "data");
const root = join(work, "backups");
let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let queues: Queues;
const workers: ChildProcess[] = [];

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
const entries = () => (existsSync(join(root, "workspace")) ? readdirSync(join(root, "workspace")) : []);

beforeAll(async () => {
  stack = await openTestStack();
  await prepareDatabase(stack.databaseUrl);
  // Enough incompressible data that compressing it takes seconds: time to kill the worker in the middle.
  mkdirSync(data, { recursive: true });
  execFileSync("dd", ["if=/dev/urandom", `of=${join(data, "big.bin")}`, "bs=1M", "count=200", "status=none"]);
  writeFileSync(join(data, "small.txt"), "hello\n");
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = [{ name: "delta", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:9", restart: { driver: "none" } }] as never;
    },
  });
  const file = join(cfg.dir, "backup-config.json");
  const backup = JSON.parse(readFileSync(file, "utf8")) as { location: string; types: { workspace: { paths: string[] } } };
  backup.location = root;
  backup.types.workspace.paths = [data];
  writeFileSync(file, JSON.stringify(backup, null, 2));
  queues = createQueues(stack.redis, stack.prefix);
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await queues?.close();
  await stack?.close();
  cfg?.remove();
  rmSync(work, { recursive: true, force: true });
});

describe("[BACKUP] kill -9 of the worker in the middle of a backup", () => {
  it("leaves no half backup that looks complete, and the job is retried to a complete, verified backup", async () => {
    const first = startWorker();
    await enqueue(queues, "backupRun", { type: "workspace", trigger: "kill test" }, { jobId: "kill-test" });
    // The middle: its folder is being written and its row says running (the folder comes a moment before the row).
    await until(
      "the backup being written",
      async () => ({ folders: entries(), rows: await listBackups(stack.db, { type: "workspace", limit: 5 }) }),
      (x) => x.folders.some((e) => e.startsWith(".tmp-")) && x.rows[0]?.status === "running",
      60_000,
      50,
    );
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));

    // What the dead worker left: a .tmp- folder, nothing that passes for a backup.
    const left = entries();
    expect(left.filter((e) => !e.startsWith(".tmp-"))).toEqual([]);
    const [running] = await listBackups(stack.db, { type: "workspace", limit: 5 });
    expect(running?.status).toBe("running");

    startWorker();
    const done = await until(
      "a retried, complete backup",
      () => listBackups(stack.db, { type: "workspace", status: "succeeded", limit: 5 }),
      (b) => b.length === 1 && b[0]!.verifyOk !== null,
      120_000,
    );
    expect(done[0]!.verifyOk).toBe(true);
    expect(done[0]!.id).not.toBe(running!.id);
    const complete = entries().filter((e) => !e.startsWith(".tmp-"));
    expect(complete).toEqual([done[0]!.id]);
    expect(existsSync(join(root, "workspace", done[0]!.id, "manifest.json"))).toBe(true);
    // The interrupted attempt never became a listed backup.
    expect((await listBackups(stack.db, { type: "workspace", status: "succeeded", limit: 10 })).map((b) => b.id)).not.toContain(running!.id);
  }, 240_000);
});
