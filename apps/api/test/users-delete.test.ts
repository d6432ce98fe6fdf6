import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

// Disabled users pile up: one who never acted may be deleted, one who did is kept for the audit log (issue 17, item 10).
let api: Awaited<ReturnType<typeof startApi>>;
let admin: Awaited<ReturnType<typeof api.signIn>>;

beforeAll(async () => {
  api = await startApi({});
  admin = await api.signIn(["admin"]);
});
afterAll(async () => {
  await api?.close();
});

// One JSON call as the admin or another caller, through the harness's own helper.
const call = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
  const r = await api.call(init.method ?? "GET", path, init.headers ?? {}, init.body);
  return { status: r.status, body: r.json as Record<string, unknown> };
};
type Listed = { id: string; email: string; disabled: boolean; lastActionAt: string | null };
const listed = async () => ((await call("/api/users", { headers: admin.headers })).body.users as Listed[]) ?? [];

describe("[USERS] deleting accounts", () => {
  it("deletes an invitation never used, audits it with the account as it was, and the account is gone", async () => {
    const invited = await call("/api/users", {
      method: "POST",
      headers: admin.headers,
      body: { email: "typo@test.local", displayName: "Typo", roles: ["viewer"] },
    });
    const id = (invited.body.user as { id: string }).id;
    expect((await listed()).find((u) => u.id === id)?.lastActionAt).toBeNull();
    const r = await call(`/api/users/${id}`, { method: "DELETE", headers: admin.headers });
    expect(r.status).toBe(200);
    expect(r.body.deleted).toMatchObject({ id, email: "typo@test.local" });
    expect((await listed()).some((u) => u.id === id)).toBe(false);
    const audit = await call(`/api/audit?targetType=user&targetId=${id}`, { headers: admin.headers });
    const entries = audit.body.entries as { action: string; before: { email: string } | null; actor: { label: string } }[];
    expect(entries.map((e) => e.action)).toEqual(["user.delete", "user.create"]);
    expect(entries[0]!.before?.email).toBe("typo@test.local");
    expect(entries[0]!.actor.label).toBe(admin.email);
    expect((await call(`/api/users/${id}`, { method: "DELETE", headers: admin.headers })).status).toBe(404);
  });

  it("refuses (409, naming the field) to delete a user who acted, and keeps their audit history", async () => {
    const actor = await api.signIn(["oncall"]);
    // An audited action of theirs: an incident opened by hand.
    const opened = await call("/api/incidents", { method: "POST", headers: actor.headers, body: { title: "Something odd", severity: "P4", targets: [] } });
    expect(opened.status).toBe(201);
    const me = (await listed()).find((u) => u.email === actor.email)!;
    expect(me.lastActionAt).not.toBeNull();
    expect((await call(`/api/users/${me.id}`, { method: "PATCH", headers: admin.headers, body: { disabled: true } })).status).toBe(200);
    const r = await call(`/api/users/${me.id}`, { method: "DELETE", headers: admin.headers });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "CONFLICT", field: "id" });
    expect(JSON.stringify(r.body)).toContain("disable the account instead");
    expect((await listed()).find((u) => u.id === me.id)?.disabled).toBe(true);
  });

  it("refuses to delete yourself, and is for admins only", async () => {
    const self = (await listed()).find((u) => u.email === admin.email)!;
    expect((await call(`/api/users/${self.id}`, { method: "DELETE", headers: admin.headers })).status).toBe(422);
    const oncall = await api.signIn(["oncall"]);
    expect((await call(`/api/users/${self.id}`, { method: "DELETE", headers: oncall.headers })).status).toBe(403);
  });
});
