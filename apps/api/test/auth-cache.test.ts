import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let peer: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  api = await startApi();
  peer = await startApi({ peerOf: api });
});
afterAll(async () => {
  await peer?.close();
  await api?.close();
});

/** Polls until the call answers `status`, and says how long that took. */
async function msUntil(status: number, call: () => Promise<{ status: number }>, timeoutMs = 3000): Promise<number> {
  const t0 = Date.now();
  while ((await call()).status !== status) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not ${status} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

describe("[AUTH] credentials are cached briefly and forgotten on revoke", () => {
  it("a token revoked through one process is refused by the other (which had it cached) within a second", async () => {
    const owner = await api.signIn(["oncall"]);
    const made = await api.call("POST", "/api/tokens", owner.headers, { name: "cached", roles: ["viewer"] });
    const bearer = { authorization: `Bearer ${made.json.secret as string}` };
    expect((await peer.call("GET", "/api/targets/summary", bearer)).status).toBe(200);
    expect((await peer.call("GET", "/api/targets/summary", bearer)).status).toBe(200);
    expect((await api.call("DELETE", `/api/tokens/${made.json.token.id as string}`, owner.headers)).status).toBe(204);
    expect(await msUntil(401, () => peer.call("GET", "/api/targets/summary", bearer))).toBeLessThan(1000);
  });

  it("a session ended by logout is refused at once by the process that logged it out", async () => {
    const user = await api.signIn(["viewer"]);
    expect((await api.call("GET", "/api/targets/summary", user.headers)).status).toBe(200);
    expect((await api.call("POST", "/api/auth/logout", user.headers)).status).toBeLessThan(300);
    expect((await api.call("GET", "/api/targets/summary", user.headers)).status).toBe(401);
  });

  it("disabling a user ends their cached session on the other process within a second", async () => {
    const admin = await api.signIn(["admin"]);
    const user = await api.signIn(["viewer"]);
    expect((await peer.call("GET", "/api/targets/summary", user.headers)).status).toBe(200);
    expect((await api.call("PATCH", `/api/users/${user.user.id}`, admin.headers, { disabled: true })).status).toBe(200);
    expect(await msUntil(401, () => peer.call("GET", "/api/targets/summary", user.headers))).toBeLessThan(1000);
  });
});
