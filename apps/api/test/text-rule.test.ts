import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let oncall: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  oncall = (await api.signIn(["oncall", "governance"])).headers;
});
afterAll(async () => {
  await api?.close();
});

/** Issue 13, finding 5: a NUL byte or a lone surrogate is a 400 naming the field, never a 500; nothing is stored. */
describe("one text rule at the edge", () => {
  it("a NUL in a note, a title or a filter is a 400 naming the field", async () => {
    const inc = await api.call("POST", "/api/incidents", oncall, { title: "a fine incident", severity: "P3" });
    expect(inc.status).toBe(201);
    const id = inc.json.incident.id as number;
    const note = await api.call("POST", `/api/incidents/${id}/notes`, oncall, { message: "a\u0000b" });
    expect(note.status).toBe(400);
    expect(note.json).toMatchObject({ code: "VALIDATION", field: "message" });
    expect(note.json.message).toMatch(/NUL/);
    const title = await api.call("POST", "/api/incidents", oncall, { title: "bad\u0000title", severity: "P3" });
    expect(title.status).toBe(400);
    expect(title.json.field).toBe("title");
    const filter = await api.call("GET", "/api/incidents?target=al%00pha", oncall);
    expect(filter.status).toBe(400);
    expect(filter.json.field).toBe("target");
    const param = await api.call("GET", "/api/targets/x%00", oncall);
    expect(param.status).toBe(400);
    expect(param.json.field).toBe("name");
    const [{ n }] = (await api.stack.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it("a lone surrogate in text stored as JSON is a 400, and an out-of-range index too", async () => {
    const res = await fetch(`${api.base}/api/incidents`, {
      method: "POST",
      headers: { ...oncall, "content-type": "application/json" },
      body: '{"title":"broken \\ud800 text","severity":"P3"}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe("title");
    const run = await api.call("POST", "/api/runs", oncall, { runbook: "troubleshooting", procedure: "agent-offline", params: { agent: "alpha" } });
    const cont = await api.call("POST", `/api/runs/${run.json.run.id}/continue`, oncall, { index: 2147483648, decision: "done" });
    expect(cont.status).toBe(400);
    expect(cont.json.field).toBe("index");
  });
});
