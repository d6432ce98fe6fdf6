import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let oncall: Record<string, string>;
let other: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  oncall = (await api.signIn(["oncall"])).headers;
  other = (await api.signIn(["oncall"])).headers;
});
afterAll(async () => {
  await api?.close();
});

const count = async (title: string) => {
  const [row] = await api.stack.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE title = ${title}`;
  return row!.n;
};

/** Issue 13, finding 6: a client that gave up and retried must not create a second resource. */
describe("[IDEMPOTENCY] Idempotency-Key on creating requests", () => {
  it("a retry with the same key gets the first answer back and creates nothing", async () => {
    const key = randomUUID();
    const body = { title: "idempotent incident", severity: "P3" };
    const first = await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, body);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, body);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    expect(await count("idempotent incident")).toBe(1);
  });

  it("200 parallel requests with one key create one incident; the others replay it or are told it is in progress", async () => {
    const key = randomUUID();
    const body = { title: "raced incident", severity: "P3" };
    const answers = await Promise.all(Array.from({ length: 200 }, () => api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, body)));
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    console.log(`[idempotency] 200 racing requests with one key: ${[...statuses].map(([s, n]) => `${n}×${s}`).join(", ")}`);
    expect([...statuses.keys()].every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.json.incident.id as number));
    expect(ids.size).toBe(1);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.json).toMatchObject({ code: "CONFLICT", field: "Idempotency-Key" });
    expect(await count("raced incident")).toBe(1);
  });

  it("the same key with another body is refused, naming the header; another caller's key is theirs alone", async () => {
    const key = randomUUID();
    expect((await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, { title: "first body", severity: "P3" })).status).toBe(201);
    const reused = await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, { title: "second body", severity: "P3" });
    expect(reused.status).toBe(422);
    expect(reused.json).toMatchObject({ code: "RULE_VIOLATION", field: "Idempotency-Key" });
    expect(await count("second body")).toBe(0);
    const theirs = await api.call("POST", "/api/incidents", { ...other, "idempotency-key": key }, { title: "second body", severity: "P3" });
    expect(theirs.status).toBe(201);
    expect(await count("second body")).toBe(1);
  });

  it("an answer lost after the change committed is not a licence to run again: the retry is told it was carried out", async () => {
    // What a process killed (or a PostgreSQL that went away) between the commit and storing the answer leaves:
    // the change and its audit row, and a claim with no answer whose lease has lapsed.
    const key = randomUUID();
    const body = { title: "answer lost incident", severity: "P3" };
    expect((await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, body)).status).toBe(201);
    await api.stack.db.sql`UPDATE idempotency_keys SET status_code = NULL, response = NULL, lease_until = now() - interval '1 second' WHERE key = ${key}`;
    const retry = await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, body);
    expect(retry.status).toBe(409);
    expect(retry.json).toMatchObject({ code: "CONFLICT", field: "Idempotency-Key" });
    expect(retry.json.message).toMatch(/carried out: incident\.open/);
    expect(await count("answer lost incident")).toBe(1);
  });

  it("a lapsed claim whose request never committed is taken over: the retry runs", async () => {
    const key = randomUUID();
    const body = { title: "never ran incident", severity: "P3" };
    const first = await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, body);
    expect(first.status).toBe(201);
    // The same key as a request that died before committing anything left it: no answer, no audit row.
    await api.stack.db
      .sql`UPDATE idempotency_keys SET status_code = NULL, response = NULL, request_id = 'a-request-that-died', lease_until = now() - interval '1 second' WHERE key = ${key}`;
    const retry = await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": key }, body);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await count("never ran incident")).toBe(2);
  });

  it("a malformed key is a 400 naming the header, and nothing is created", async () => {
    const bad = await api.call("POST", "/api/incidents", { ...oncall, "idempotency-key": "short" }, { title: "bad key incident", severity: "P3" });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: "VALIDATION", field: "Idempotency-Key" });
    expect(await count("bad key incident")).toBe(0);
  });

  it("a refused request (409, 4xx) is remembered too: the retry gets the same refusal", async () => {
    const key = randomUUID();
    const run = { runbook: "agent-restart", procedure: "single", params: { agent: "alpha" } };
    const first = await api.call("POST", "/api/runs", { ...oncall, "idempotency-key": key }, run);
    expect(first.status).toBe(400);
    expect(first.json.field).toBe("confirmation");
    const again = await api.call("POST", "/api/runs", { ...oncall, "idempotency-key": key }, run);
    expect(again.status).toBe(400);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("a run is staged in the outbox with its row, and the relay hands it to Redis", async () => {
    const res = await api.call(
      "POST",
      "/api/runs",
      { ...oncall, "idempotency-key": randomUUID() },
      { runbook: "agent-restart", procedure: "single", params: { agent: "beta" }, confirm: true },
    );
    expect(res.status).toBe(201);
    const id = res.json.run.id as number;
    const [row] = await api.stack.db.sql<{ job: string; sentAt: Date | null; jobId: string }[]>`
      SELECT job, sent_at AS "sentAt", opts->>'jobId' AS "jobId" FROM job_outbox WHERE job = 'runbookRun' AND (payload->>'runId')::int = ${id}`;
    expect(row).toMatchObject({ job: "runbookRun", jobId: `run-${id}-1` });
    const deadline = Date.now() + 10_000;
    let state = "";
    while (Date.now() < deadline && state !== "waiting") {
      state = await api.queues.runbooks.getJobState(`run-${id}-1`);
      if (state !== "waiting") await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe("waiting");
  });
});
