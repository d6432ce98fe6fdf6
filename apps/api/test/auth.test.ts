import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { connect, startApi } from "./harness.ts";

const logLines: string[] = [];
let api: Awaited<ReturnType<typeof startApi>>;
let admin: Awaited<ReturnType<typeof api.signIn>>;

beforeAll(async () => {
  api = await startApi({ withDashboard: true, logLines });
  admin = await api.signIn(["admin"]);
});
afterAll(async () => {
  await api?.close();
});

type Init = { method?: string; headers?: Record<string, string>; body?: unknown };
async function call(path: string, init: Init = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(api.base + path, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}
const login = (email: string, password: string, headers: Record<string, string> = { origin: api.base }) =>
  call("/api/auth/login", { method: "POST", headers, body: { email, password } });

async function securityEvents(kind: string) {
  const r = await call(`/api/security-events?kind=${kind}&limit=500`, { headers: admin.headers });
  return r.body.events as { email: string | null; detail: string | null; route: string | null }[];
}

describe("[AUTH] sessions", () => {
  it("sets an HttpOnly, SameSite=Strict session cookie; /me tells who and what; logout ends it", async () => {
    const u = await api.signIn(["oncall"]);
    const res = await fetch(`${api.base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: api.base },
      body: JSON.stringify({ email: u.email.toUpperCase(), password: u.password }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^ops_session=ocs_[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const headers = { cookie: cookie.split(";")[0]!, origin: api.base };
    const me = await call("/api/auth/me", { headers });
    expect(me.body).toMatchObject({ user: { email: u.email, roles: ["oncall"] }, via: "session" });
    expect(me.body.permissions).toContain("runbooks:run");
    expect(me.body.permissions).not.toContain("users:manage");
    expect((await call("/api/auth/logout", { method: "POST", headers })).status).toBe(204);
    expect((await call("/api/auth/me", { headers })).status).toBe(401);
  });

  it("says nothing about whether an account exists, and logs every failure", async () => {
    const u = await api.signIn(["viewer"]);
    const wrong = await login(u.email, "not the password at all");
    const nobody = await login("nobody@test.local", "not the password at all");
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(401);
    expect(wrong.body.message).toBe("invalid email or password");
    expect(nobody.body.message).toBe(wrong.body.message);
    const failed = await securityEvents("login.failed");
    expect(failed.map((e) => e.email)).toEqual(expect.arrayContaining([u.email, "nobody@test.local"]));
  });

  it("rate-limits login per account: the sixth try is refused even with the right password", async () => {
    const u = await api.signIn(["viewer"]);
    for (let i = 0; i < 5; i++) expect((await login(u.email, `wrong password ${i}!`)).status).toBe(401);
    const limited = await login(u.email, u.password);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: "RATE_LIMITED" });
    expect((await securityEvents("login.rate_limited")).some((e) => e.email === u.email)).toBe(true);
  });

  it("a disabled user cannot sign in, and gets the same answer as a wrong password", async () => {
    const u = await api.signIn(["viewer"]);
    expect((await call(`/api/users/${u.user.id}`, { method: "PATCH", headers: admin.headers, body: { disabled: true } })).status).toBe(200);
    const r = await login(u.email, u.password);
    expect([r.status, r.body.message]).toEqual([401, "invalid email or password"]);
  });
});

describe("[AUTH] cross-site requests", () => {
  it("refuses a state change with the session cookie from a foreign Origin or no Origin at all", async () => {
    const u = await api.signIn(["oncall"]);
    const foreign = await call("/api/tokens", {
      method: "POST",
      headers: { cookie: u.cookie, origin: "https://evil.example" },
      body: { name: "x", roles: ["oncall"] },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toMatch(/cross-site request refused/);
    const none = await call("/api/tokens", { method: "POST", headers: { cookie: u.cookie }, body: { name: "x", roles: ["oncall"] } });
    expect(none.status).toBe(403);
    const same = await call("/api/tokens", {
      method: "POST",
      headers: { cookie: u.cookie, "sec-fetch-site": "same-origin" },
      body: { name: "x", roles: ["oncall"] },
    });
    expect(same.status).toBe(201);
    expect((await securityEvents("csrf.rejected")).length).toBeGreaterThanOrEqual(2);
  });

  it("refuses login from a foreign page (login CSRF)", async () => {
    const r = await login(admin.email, admin.password, { origin: "https://evil.example" });
    expect(r.status).toBe(403);
  });

  it("an API token needs no Origin: it is not an ambient credential", async () => {
    const t = await api.tokenFor(["oncall"]);
    const r = await call("/api/tokens", { method: "POST", headers: t.headers, body: { name: "from a script", roles: ["oncall"] } });
    expect(r.status).toBe(201);
  });

  it("a foreign Origin cannot open /ws even with a valid session cookie", async () => {
    const u = await api.signIn(["viewer"]);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(api.ws, { headers: { cookie: u.cookie, origin: "https://evil.example" } });
      ws.once("open", () => resolve(101));
      ws.once("unexpected-response", (req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        req.destroy();
      });
    });
    expect(status).toBe(403);
    expect((await securityEvents("ws.rejected")).length).toBeGreaterThan(0);
  });

  it("sends security headers with a strict CSP", async () => {
    for (const path of ["/", "/api/targets"]) {
      const res = await fetch(api.base + path, { headers: admin.headers });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });
});

describe("[AUTH] ending sessions", () => {
  async function liveSocket(headers: Record<string, string>) {
    const client = await connect(api.ws, headers);
    await client.next((f) => f.type === "snapshot");
    const closed = new Promise<{ code: number; at: number }>((r) => client.socket.once("close", (code) => r({ code, at: Date.now() })));
    return { client, closed };
  }

  it("a password change ends every session and live socket within a second; this browser gets a fresh session", async () => {
    const u = await api.signIn(["viewer"]);
    const second = await login(u.email, u.password);
    const secondCookie = (second.headers.get("set-cookie") ?? "").split(";")[0]!;
    const { closed } = await liveSocket({ cookie: secondCookie, origin: api.base });
    const bystander = await liveSocket(admin.headers);
    const t0 = Date.now();
    const change = await fetch(`${api.base}/api/auth/password`, {
      method: "POST",
      headers: { ...u.headers, "content-type": "application/json" },
      body: JSON.stringify({ currentPassword: u.password, newPassword: "a brand new long password" }),
    });
    expect(change.status).toBe(204);
    const end = await closed;
    expect(end.code).toBe(4401);
    expect(end.at - t0).toBeLessThan(1000);
    expect((await call("/api/auth/me", { headers: { cookie: secondCookie } })).status).toBe(401);
    expect((await call("/api/auth/me", { headers: { cookie: u.cookie } })).status).toBe(401);
    const fresh = (change.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await call("/api/auth/me", { headers: { cookie: fresh } })).status).toBe(200);
    expect(bystander.client.socket.readyState).toBe(WebSocket.OPEN);
    bystander.client.close();
  });

  it("a user holding a temporary password may only change it", async () => {
    const created = await call("/api/users", {
      method: "POST",
      headers: admin.headers,
      body: { email: "newbie@test.local", displayName: "Newbie", roles: ["viewer"] },
    });
    const temp = created.body.temporaryPassword as string;
    const res = await login("newbie@test.local", temp);
    const headers = { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, origin: api.base };
    expect((await call("/api/auth/me", { headers })).body.user).toMatchObject({ mustChangePassword: true });
    const blocked = await call("/api/targets", { headers });
    expect([blocked.status, blocked.body.message]).toEqual([403, "choose a new password first (POST /api/auth/password)"]);
    const changed = await fetch(`${api.base}/api/auth/password`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ currentPassword: temp, newPassword: "my own long password" }),
    });
    expect(changed.status).toBe(204);
    const fresh = { cookie: (changed.headers.get("set-cookie") ?? "").split(";")[0]!, origin: api.base };
    expect((await call("/api/targets", { headers: fresh })).status).toBe(200);
  });

  it("a weak new password is refused, naming the field", async () => {
    const u = await api.signIn(["viewer"]);
    const r = await call("/api/auth/password", { method: "POST", headers: u.headers, body: { currentPassword: u.password, newPassword: "short" } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ field: "newPassword", code: "VALIDATION" });
    const wrong = await call("/api/auth/password", {
      method: "POST",
      headers: u.headers,
      body: { currentPassword: "not it at all!!", newPassword: "a brand new long password" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.field).toBe("currentPassword");
  });

  it("disabling a user closes their live socket within a second and stops their tokens", async () => {
    const u = await api.signIn(["oncall"]);
    const made = await call("/api/tokens", { method: "POST", headers: u.headers, body: { name: "bot", roles: ["oncall"] } });
    const bearer = { authorization: `Bearer ${made.body.secret as string}` };
    expect((await call("/api/targets", { headers: bearer })).status).toBe(200);
    const { closed } = await liveSocket(u.headers);
    const t0 = Date.now();
    expect((await call(`/api/users/${u.user.id}`, { method: "PATCH", headers: admin.headers, body: { disabled: true } })).status).toBe(200);
    const end = await closed;
    expect(end.code).toBe(4401);
    expect(end.at - t0).toBeLessThan(1000);
    expect((await call("/api/targets", { headers: bearer })).status).toBe(401);
    expect((await call("/api/auth/me", { headers: u.headers })).status).toBe(401);
  });

  it("removing a role ends the sessions and narrows the user's tokens", async () => {
    const u = await api.signIn(["oncall", "governance"]);
    const made = await call("/api/tokens", { method: "POST", headers: u.headers, body: { name: "voter", roles: ["governance", "oncall"] } });
    const bearer = { authorization: `Bearer ${made.body.secret as string}` };
    await call(`/api/users/${u.user.id}`, { method: "PATCH", headers: admin.headers, body: { roles: ["oncall"] } });
    expect((await call("/api/auth/me", { headers: u.headers })).status).toBe(401);
    const me = await call("/api/auth/me", { headers: bearer });
    expect(me.body.user).toMatchObject({ roles: ["oncall"] });
  });
});

describe("[AUTH] tokens and objects", () => {
  it("a token cannot carry roles its creator lacks; it is shown once and stored hashed", async () => {
    const u = await api.signIn(["oncall"]);
    const wider = await call("/api/tokens", { method: "POST", headers: u.headers, body: { name: "sneaky", roles: ["admin"] } });
    expect(wider.status).toBe(403);
    expect(wider.body.field).toBe("roles");
    const ok = await call("/api/tokens", { method: "POST", headers: u.headers, body: { name: "ci", roles: ["oncall"] } });
    const secret = ok.body.secret as string;
    expect(secret).toMatch(/^oco_[A-Za-z0-9_-]{43}$/);
    const rows = await api.stack.db.sql`SELECT token_hash FROM api_tokens WHERE name = 'ci'`;
    expect(JSON.stringify(rows)).not.toContain(secret);
    const listed = await call("/api/tokens", { headers: u.headers });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it("one user cannot see or revoke another's token; an admin can", async () => {
    const a = await api.signIn(["oncall"]);
    const b = await api.signIn(["oncall"]);
    const made = await call("/api/tokens", { method: "POST", headers: a.headers, body: { name: "mine", roles: ["oncall"] } });
    const id = (made.body.token as { id: string }).id;
    const bList = await call("/api/tokens", { headers: b.headers });
    expect((bList.body.tokens as { id: string }[]).some((t) => t.id === id)).toBe(false);
    expect((await call(`/api/tokens/${id}`, { method: "DELETE", headers: b.headers })).status).toBe(404);
    expect((await call(`/api/tokens/${id}`, { method: "DELETE", headers: admin.headers })).status).toBe(204);
    const bearer = { authorization: `Bearer ${made.body.secret as string}` };
    expect((await call("/api/targets", { headers: bearer })).status).toBe(401);
  });

  it("an expired token is refused", async () => {
    const u = await api.signIn(["oncall"]);
    const made = await call("/api/tokens", {
      method: "POST",
      headers: u.headers,
      body: { name: "short-lived", roles: ["oncall"], expiresAt: new Date(Date.now() + 1500).toISOString() },
    });
    const bearer = { authorization: `Bearer ${made.body.secret as string}` };
    expect((await call("/api/targets", { headers: bearer })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await call("/api/targets", { headers: bearer })).status).toBe(401);
    const past = await call("/api/tokens", { method: "POST", headers: u.headers, body: { name: "x", roles: ["oncall"], expiresAt: "2001-01-01T00:00:00Z" } });
    expect([past.status, past.body.field]).toEqual([400, "expiresAt"]);
  });

  it("the last admin cannot demote or disable themselves", async () => {
    const r = await call(`/api/users/${admin.user.id}`, { method: "PATCH", headers: admin.headers, body: { roles: ["viewer"] } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: "RULE_VIOLATION", field: "roles" });
  });

  it("bad bodies name the field", async () => {
    const r = await call("/api/users", { method: "POST", headers: admin.headers, body: { email: "not-an-email", displayName: "x", roles: ["viewer"] } });
    expect([r.status, r.body.field]).toEqual([400, "email"]);
    const role = await call("/api/users", { method: "POST", headers: admin.headers, body: { email: "a@b.co", displayName: "x", roles: ["wizard"] } });
    expect([role.status, role.body.field]).toEqual([400, "roles.0"]);
    const dup = await call("/api/users", { method: "POST", headers: admin.headers, body: { email: admin.email, displayName: "x", roles: [] } });
    expect([dup.status, dup.body.code]).toEqual([409, "CONFLICT"]);
  });
});

describe("[AUDIT] the audit log", () => {
  it("records who changed what, from where, with before and after, and never a secret", async () => {
    const created = await call("/api/users", {
      method: "POST",
      headers: admin.headers,
      body: { email: "audited@test.local", displayName: "Audited", roles: ["viewer"] },
    });
    const id = (created.body.user as { id: string }).id;
    const temp = created.body.temporaryPassword as string;
    await call(`/api/users/${id}`, { method: "PATCH", headers: admin.headers, body: { roles: ["viewer", "oncall"] } });
    const r = await call(`/api/audit?targetType=user&targetId=${id}`, { headers: admin.headers });
    const entries = r.body.entries as {
      action: string;
      actor: { label: string };
      ip: string;
      before: { roles: string[] } | null;
      after: { roles: string[] };
    }[];
    expect(entries.map((e) => e.action)).toEqual(["user.update", "user.create"]);
    expect(entries[0]!.actor.label).toBe(admin.email);
    expect(entries[0]!.ip).toBe("127.0.0.1");
    expect(entries[0]!.before!.roles).toEqual(["viewer"]);
    expect(entries[0]!.after.roles).toEqual(["viewer", "oncall"]);
    const all = await call("/api/audit?limit=500", { headers: admin.headers });
    expect(JSON.stringify(all.body)).not.toContain(temp);
    expect(JSON.stringify(all.body)).not.toMatch(/oco_[A-Za-z0-9_-]{20}/);
  });

  it("is append-only: the database refuses UPDATE, DELETE and TRUNCATE", async () => {
    const sql = api.stack.db.sql;
    await expect(sql`UPDATE audit_log SET action = 'forged'`).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM security_events`).rejects.toThrow(/append-only/);
  });

  it("forbidden requests go to the security log", async () => {
    const v = await api.signIn(["viewer"]);
    expect((await call("/api/users", { headers: v.headers })).status).toBe(403);
    const events = await securityEvents("auth.forbidden");
    expect(events.some((e) => e.route === "GET /api/users" && e.detail === "needs users:manage")).toBe(true);
  });

  it("no password, session or token ever reaches the server log", () => {
    const text = logLines.join("\n");
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/a long test password|a brand new long password/);
    expect(text).not.toMatch(/ocs_[A-Za-z0-9_-]{20}/);
    expect(text).not.toMatch(/oco_[A-Za-z0-9_-]{20}/);
  });
});

describe("[INCIDENTS] by hand", () => {
  it("on-call opens, acknowledges, notes and resolves; each step on the timeline and in the audit log", async () => {
    const oncall = await api.signIn(["oncall"]);
    const viewer = await api.signIn(["viewer"]);
    const opened = await call("/api/incidents", {
      method: "POST",
      headers: oncall.headers,
      body: { title: "LiteLLM slow", severity: "P2", targets: ["litellm"] },
    });
    expect(opened.status).toBe(201);
    const inc = opened.body.incident as { id: number; key: string; status: string; mttrTargetMs: number };
    expect(inc).toMatchObject({ status: "open", mttrTargetMs: 28_800_000, key: `INC-${inc.id}` });
    expect((await call(`/api/incidents/${inc.id}/acknowledge`, { method: "POST", headers: viewer.headers })).status).toBe(403);
    expect((await call(`/api/incidents/${inc.id}/acknowledge`, { method: "POST", headers: oncall.headers })).body.incident).toMatchObject({
      status: "acknowledged",
      acknowledgedBy: oncall.email,
    });
    const again = await call(`/api/incidents/${inc.id}/acknowledge`, { method: "POST", headers: oncall.headers });
    expect([again.status, again.body.code]).toEqual([409, "CONFLICT"]);
    await call(`/api/incidents/${inc.id}/notes`, { method: "POST", headers: oncall.headers, body: { message: "provider rate limit; waiting" } });
    const empty = await call(`/api/incidents/${inc.id}/notes`, { method: "POST", headers: oncall.headers, body: { message: "  " } });
    expect([empty.status, empty.body.field]).toEqual([400, "message"]);
    const resolved = await call(`/api/incidents/${inc.id}/resolve`, { method: "POST", headers: oncall.headers, body: { summary: "limit raised" } });
    expect(resolved.body.incident).toMatchObject({ status: "resolved", resolvedBy: oncall.email, summary: "limit raised" });
    const page = await call(`/api/incidents/${inc.id}`, { headers: viewer.headers });
    expect((page.body.timeline as { kind: string }[]).map((e) => e.kind)).toEqual(["opened", "acknowledged", "note", "resolved"]);
    const audit = await call(`/api/audit?targetType=incident&targetId=${inc.key}`, { headers: admin.headers });
    expect((audit.body.entries as { action: string }[]).map((e) => e.action)).toEqual([
      "incident.resolve",
      "incident.note",
      "incident.acknowledge",
      "incident.open",
    ]);
    expect((await call("/api/incidents/424242", { headers: viewer.headers })).status).toBe(404);
  });
});
