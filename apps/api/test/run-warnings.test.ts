import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let oncall: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  oncall = (await api.signIn(["oncall"])).headers;
});
afterAll(async () => {
  await api?.close();
});

describe("a run's warnings in the API", () => {
  it("GET /api/runs/:id and /api/runs carry them; a new run has none", async () => {
    const created = await api.call("POST", "/api/runs", oncall, { runbook: "troubleshooting", procedure: "agent-offline", params: { agent: "alpha" } });
    expect(created.status).toBe(201);
    const id = created.json.run.id as number;
    expect(created.json.run.warnings).toEqual([]);
    const warning = "step 1 'Check alpha' failed (continued): alpha is down: connection refused";
    await api.stack.db.sql`UPDATE runbook_runs SET status = 'succeeded', finished_at = now(), warnings = ${[warning]}::text[] WHERE id = ${id}`;
    const one = await api.call("GET", `/api/runs/${id}`, oncall);
    expect(one.json.run).toMatchObject({ status: "succeeded", warnings: [warning] });
    const list = await api.call("GET", "/api/runs", oncall);
    expect(list.json.runs.find((r: { id: number }) => r.id === id)).toMatchObject({ warnings: [warning] });
  });
});
