import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboxRelay, createQueues, createRedis, relayOutbox, stageJob, type Queues } from "../src/index.ts";
import { openTestStack, until } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let queues: Queues;

beforeAll(async () => {
  stack = await openTestStack();
  queues = createQueues(stack.redis, stack.prefix);
});
afterAll(async () => {
  await queues?.close();
  await stack?.close();
});

const unsent = async () => (await stack.db.sql<{ id: string }[]>`SELECT id FROM job_outbox WHERE sent_at IS NULL`).length;

describe("[OUTBOX] work staged with its rows", () => {
  it("a job staged in a transaction that rolls back is never sent", async () => {
    await stack.db.sql
      .begin(async (tx) => {
        await stageJob(tx, "backupRun", { type: "database", trigger: "test" }, { jobId: "rolled-back" });
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await unsent()).toBe(0);
  });

  it("a staged job reaches its queue once, with its job id, however often the relay runs", async () => {
    await stack.db.sql.begin((tx) => stageJob(tx, "backupRun", { type: "database", trigger: "test" }, { jobId: "staged-1" }));
    const [a, b] = await Promise.all([relayOutbox(stack.db.sql, queues), relayOutbox(stack.db.sql, queues)]);
    expect(a.sent + b.sent).toBe(1);
    expect(await queues.backups.getJobState("staged-1")).toBe("waiting");
    // The policy is the catalog's (backups: 3 attempts, exponential back-off).
    expect((await queues.backups.getJob("staged-1"))?.opts).toMatchObject({ attempts: 3, backoff: { type: "exponential", delay: 30_000 } });
    expect(await unsent()).toBe(0);
    expect((await relayOutbox(stack.db.sql, queues)).sent).toBe(0);
  });

  it("a delayed job keeps its due time", async () => {
    const due = new Date(Date.now() + 60_000);
    await stageJob(stack.db.sql, "proposalClose", { proposalId: 1 }, {}, due);
    await relayOutbox(stack.db.sql, queues);
    // The catalog names it: one close per proposal.
    const job = await queues.governance.getJob("proposal-1-close");
    expect(await job!.getState()).toBe("delayed");
    expect(Math.abs(job!.timestamp + job!.opts.delay! - due.getTime())).toBeLessThan(2000);
  });

  it("a payload the job does not accept is refused when staged, not when sent", async () => {
    await expect(stageJob(stack.db.sql, "runbookRun", { runId: -1 } as never, { jobId: "bad" })).rejects.toThrow();
    expect(await unsent()).toBe(0);
  });

  it("while Redis does not answer, a pass ends within its deadline and keeps the jobs; a relay sends them when Redis is back", async () => {
    const dead = createRedis("redis://127.0.0.1:1", { forQueues: true, name: "outbox-test-dead" });
    const deadQueues = createQueues(dead, stack.prefix);
    await stageJob(stack.db.sql, "backupRun", { type: "redis", trigger: "test" }, { jobId: "waits-1" });
    const t0 = Date.now();
    const r = await relayOutbox(stack.db.sql, deadQueues, { enqueueTimeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r).toMatchObject({ sent: 0, failed: 1 });
    expect(r.error).toMatch(/did not answer/);
    const [row] = await stack.db.sql<
      { lastError: string; leaseUntil: Date | null }[]
    >`SELECT last_error AS "lastError", lease_until AS "leaseUntil" FROM job_outbox WHERE opts->>'jobId' = 'waits-1'`;
    expect(row).toMatchObject({ lastError: expect.stringMatching(/did not answer/), leaseUntil: null });
    dead.disconnect();
    void deadQueues.close().catch(() => {});

    const relay = new OutboxRelay(stack.db.sql, queues, () => {}, 100);
    relay.start();
    try {
      await until(
        "sent by the relay",
        () => queues.backups.getJobState("waits-1"),
        (s) => s === "waiting",
        5000,
      );
      expect(await unsent()).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});
