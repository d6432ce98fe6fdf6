import { can, ROLES, type Permission, type Role } from "@ops/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { routeTable, type Access } from "../src/plugins/auth.ts";
import { startApi } from "./harness.ts";

/**
 * The access rule every route must have. Written out here, not read from the code: a route whose rule
 * changes, or a new route without a row, fails this test.
 */
const EXPECTED: Record<string, Access> = {
  "GET /healthz": "public",
  "GET /readyz": "public",
  "POST /api/auth/login": "public",
  "POST /api/auth/logout": "public",
  "GET /api/auth/me": "authenticated",
  "POST /api/auth/password": "authenticated",
  "GET /api/targets": "targets:read",
  "GET /api/targets/summary": "targets:read",
  "GET /api/targets/:name": "targets:read",
  "GET /api/targets/:name/samples": "targets:read",
  "GET /api/events": "events:read",
  "GET /api/monitoring": "targets:read",
  "GET /api/monitoring/status": "targets:read",
  "GET /api/openapi.json": "targets:read",
  "GET /api/users": "users:manage",
  "POST /api/users": "users:manage",
  "PATCH /api/users/:id": "users:manage",
  "POST /api/users/:id/reset-password": "users:manage",
  "DELETE /api/users/:id": "users:manage",
  "GET /api/tokens": "authenticated",
  "POST /api/tokens": "tokens:create",
  "DELETE /api/tokens/:id": "authenticated",
  "GET /api/audit": "audit:read",
  "GET /api/security-events": "audit:read",
  "GET /api/restarts": "targets:read",
  "POST /api/targets/:name/healing": "healing:control",
  "POST /api/targets/:name/healing/actions": "healing:control",
  "GET /api/targets/:name/config": "targets:read",
  "GET /api/targets/:name/config/versions/:version": "targets:read",
  "POST /api/targets/:name/config/restore": "healing:control",
  "GET /api/incidents": "targets:read",
  "GET /api/incidents/:id": "targets:read",
  "POST /api/incidents": "incidents:write",
  "GET /api/slos": "targets:read",
  "GET /api/slos/:id": "targets:read",
  "POST /api/slos": "slos:write",
  "PATCH /api/slos/:id": "slos:write",
  "DELETE /api/slos/:id": "slos:write",
  "POST /api/deployments": "deployments:write",
  "GET /api/deployments": "targets:read",
  "GET /api/delivery": "targets:read",
  "POST /api/incidents/:id/acknowledge": "incidents:write",
  "POST /api/incidents/:id/notes": "incidents:write",
  "POST /api/incidents/:id/resolve": "incidents:write",
  "GET /api/alerts": "targets:read",
  "POST /api/alerts/:id/retry": "incidents:write",
  "GET /api/cases": "targets:read",
  "POST /api/cases": "incidents:write",
  "PATCH /api/cases/:id": "incidents:write",
  "GET /api/diagnoses": "targets:read",
  "GET /api/runbooks": "targets:read",
  "GET /api/runbooks/:id": "targets:read",
  "POST /api/runs": "runbooks:run",
  "GET /api/runs": "targets:read",
  "GET /api/runs/:id": "targets:read",
  "POST /api/runs/:id/cancel": "runbooks:run",
  "POST /api/runs/:id/continue": "runbooks:run",
  "GET /api/postmortems": "targets:read",
  "POST /api/postmortems": "postmortems:write",
  "GET /api/postmortems/:id": "targets:read",
  "PATCH /api/postmortems/:id": "postmortems:write",
  "POST /api/postmortems/:id/transition": "postmortems:write",
  "GET /api/postmortems/:id/export": "targets:read",
  "GET /api/learnings": "targets:read",
  "GET /api/learnings/patterns": "targets:read",
  "GET /api/learnings/export": "targets:read",
  "POST /api/learnings/import": "postmortems:write",
  "GET /api/learnings/:id": "targets:read",
  "POST /api/learnings": "postmortems:write",
  "PATCH /api/learnings/:id": "postmortems:write",
  "POST /api/learnings/:id/promote": "postmortems:write",
  "GET /api/promotions": "targets:read",
  "GET /api/promotions/:id": "targets:read",
  "PATCH /api/promotions/:id": "postmortems:write",
  "GET /api/handoff": "targets:read",
  "PUT /api/settings/thresholds": "config:write",
  "GET /api/governance": "targets:read",
  "GET /api/proposals": "targets:read",
  "POST /api/proposals": "proposals:write",
  "GET /api/proposals/:id": "targets:read",
  "GET /api/proposals/:id/votes": "targets:read",
  "POST /api/proposals/:id/votes": "votes:cast",
  "POST /api/proposals/:id/reviews": "votes:cast",
  "POST /api/proposals/:id/withdraw": "proposals:write",
  "GET /api/governance/events": "targets:read",
  "GET /api/governance/events/export": "targets:read",
  "GET /api/backups": "targets:read",
  "GET /api/backups/status": "targets:read",
  "GET /api/backups/:id": "targets:read",
  "POST /api/backups": "runbooks:run",
  "POST /api/backups/:id/verify": "runbooks:run",
  "GET /ws": "targets:read",
};

const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";
const path = (url: string) =>
  url
    .replace(":name", "alpha")
    .replace("/api/cases/:id", "/api/cases/CASE-999")
    .replace(":id", url.startsWith("/api/incidents") || url.startsWith("/api/alerts") ? "999999" : SAMPLE_ID);

let api: Awaited<ReturnType<typeof startApi>>;
const callers: { name: string; roles: Role[] | null; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  api = await startApi();
  callers.push({ name: "anonymous", roles: null, headers: { origin: api.base } });
  for (const role of ROLES) callers.push({ name: role, roles: [role], ...(await api.signIn([role])) });
  callers.push({ name: "no roles", roles: [], ...(await api.signIn([])) });
  for (const role of ["viewer", "admin"] as const) callers.push({ name: `token:${role}`, roles: [role], ...(await api.tokenFor([role])) });
});
afterAll(async () => {
  await api?.close();
});

/** 101 when the handshake succeeded, else the HTTP status the server refused it with. */
function wsStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => {
      socket.close();
      resolve(101);
    });
    socket.once("unexpected-response", (req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    socket.once("error", (err) => reject(err));
  });
}

function expectedAllowed(access: Access, roles: Role[] | null): boolean {
  if (access === "public") return true;
  if (roles === null) return false;
  if (access === "authenticated") return true;
  return can(roles, access as Permission);
}

describe("access matrix: every route × every role, anonymous and tokens", () => {
  it("every registered route has exactly the expected rule", () => {
    const actual = Object.fromEntries(
      routeTable(api.app)
        .filter((r) => (r.url.startsWith("/api") && !r.url.startsWith("/api/docs")) || r.url === "/ws" || r.url === "/healthz" || r.url === "/readyz")
        .filter((r) => r.method !== "HEAD")
        .map((r) => [`${r.method} ${r.url}`, r.auth]),
    );
    expect(actual).toEqual(EXPECTED);
  });

  it("the API explorer is not public", async () => {
    const res = await fetch(`${api.base}/api/docs`, { redirect: "manual" });
    expect(res.status).toBe(401);
  });

  for (const [route, access] of Object.entries(EXPECTED)) {
    const [method, url] = route.split(" ") as [string, string];
    if (route === "POST /api/auth/login" || route === "POST /api/auth/logout" || route === "POST /api/auth/password") continue;
    it(`${route} (${access})`, async () => {
      const mismatches: string[] = [];
      for (const c of callers) {
        const headers: Record<string, string> = { ...c.headers };
        let body: string | undefined;
        if (method !== "GET" && method !== "DELETE") {
          headers["content-type"] = "application/json";
          body = "{}";
        }
        if (url === "/ws") {
          const status = await wsStatus(api.ws, headers);
          if ((status === 101) !== expectedAllowed(access, c.roles)) mismatches.push(`${c.name}: WebSocket answered ${status}`);
          continue;
        }
        const res = await fetch(api.base + path(url), { method, headers, body });
        const allowed = res.status !== 401 && res.status !== 403;
        const want = expectedAllowed(access, c.roles);
        if (allowed !== want) mismatches.push(`${c.name}: HTTP ${res.status}, expected ${want ? "allow" : "deny"}`);
        if (!allowed) {
          const err = (await res.json()) as { code: string };
          expect(err.code).toBe(res.status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN");
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
