import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe("tokens are scoped to themselves (issue 13, findings 3 and 10)", () => {
  it("a viewer-only token sees only itself and cannot revoke its creator's other tokens", async () => {
    const admin = await api.signIn(["admin"]);
    const governance = await api.call("POST", "/api/tokens", admin.headers, { name: "triad agent", roles: ["governance"] });
    expect(governance.status).toBe(201);
    const viewer = await api.call("POST", "/api/tokens", admin.headers, { name: "wall screen", roles: ["viewer"] });
    expect(viewer.status).toBe(201);
    const viewerAuth = bearer(viewer.json.secret as string);

    const listed = await api.call("GET", "/api/tokens", viewerAuth);
    expect(listed.status).toBe(200);
    expect(listed.json.tokens.map((t: { id: string }) => t.id)).toEqual([viewer.json.token.id]);
    // Before the fix: 204, and the admin's governance token stopped working.
    expect((await api.call("DELETE", `/api/tokens/${governance.json.token.id}`, viewerAuth)).status).toBe(404);
    expect((await api.call("GET", "/api/targets", bearer(governance.json.secret as string))).status).toBe(200);
    // It may retire itself.
    expect((await api.call("DELETE", `/api/tokens/${viewer.json.token.id}`, viewerAuth)).status).toBe(204);
    expect((await api.call("GET", "/api/targets", viewerAuth)).status).toBe(401);
  });

  it("on-call and governance users may create a viewer-only token, which can read and nothing more", async () => {
    for (const role of ["oncall", "governance"] as const) {
      const person = await api.signIn([role]);
      const made = await api.call("POST", "/api/tokens", person.headers, { name: `${role} dashboard`, roles: ["viewer"] });
      expect(made.status, role).toBe(201);
      const auth = bearer(made.json.secret as string);
      expect((await api.call("GET", "/api/targets", auth)).status).toBe(200);
      expect((await api.call("POST", "/api/targets/alpha/healing", auth, { paused: true })).status).toBe(403);
      // Never more than one's own: governance cannot mint an on-call token.
      if (role === "governance") expect((await api.call("POST", "/api/tokens", person.headers, { name: "wider", roles: ["oncall"] })).status).toBe(403);
    }
  });
});
