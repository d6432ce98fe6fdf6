import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { HEARTBEAT_MS, SESSION_ENDED } from "../src/plugins/live.ts";
import { connect, startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let peer: Awaited<ReturnType<typeof startApi>>;
let admin: Awaited<ReturnType<typeof api.signIn>>;

beforeAll(async () => {
  api = await startApi();
  peer = await startApi({ peerOf: api });
  admin = await api.signIn(["admin"]);
});
afterAll(async () => {
  await peer?.close();
  await api?.close();
});

/** A live socket opened with a bearer token, and when and how it closed. */
async function tokenSocket(url: string, secret: string) {
  const client = await connect(url, { authorization: `Bearer ${secret}` });
  await client.next((f) => f.type === "snapshot");
  const closed = new Promise<{ code: number; at: number }>((r) => client.socket.once("close", (code) => r({ code, at: Date.now() })));
  return { client, closed };
}

/** A token made through the API by a user with these roles, and the token's id. */
async function madeToken(roles: ("viewer" | "oncall" | "governance")[]) {
  const owner = await api.signIn(["oncall"]);
  const made = await api.call("POST", "/api/tokens", owner.headers, { name: "bot", roles });
  expect(made.status).toBe(201);
  return { owner, id: made.json.token.id as string, secret: made.json.secret as string };
}

describe("[AUTH][WS] a socket opened with an API token ends with the token", () => {
  it("revoking the token through the API closes its socket within a second", { timeout: 30_000 }, async () => {
    const t = await madeToken(["viewer"]);
    const { closed } = await tokenSocket(api.ws, t.secret);
    const bystander = await tokenSocket(api.ws, (await madeToken(["viewer"])).secret);
    const t0 = Date.now();
    expect((await api.call("DELETE", `/api/tokens/${t.id}`, t.owner.headers)).status).toBe(204);
    const end = await closed;
    expect(end.code).toBe(SESSION_ENDED);
    expect(end.at - t0).toBeLessThan(1000);
    expect(bystander.client.socket.readyState).toBe(WebSocket.OPEN);
    bystander.client.close();
  });

  it("a token revoking itself closes its own socket", { timeout: 30_000 }, async () => {
    const t = await madeToken(["viewer"]);
    const { closed } = await tokenSocket(api.ws, t.secret);
    const t0 = Date.now();
    expect((await api.call("DELETE", `/api/tokens/${t.id}`, { authorization: `Bearer ${t.secret}` })).status).toBe(204);
    const end = await closed;
    expect([end.code, end.at - t0 < 1000]).toEqual([SESSION_ENDED, true]);
  });

  it("across API processes: revoked through one, the socket on the other closes within a second", { timeout: 30_000 }, async () => {
    const t = await madeToken(["viewer"]);
    const { closed } = await tokenSocket(peer.ws, t.secret);
    const t0 = Date.now();
    expect((await api.call("DELETE", `/api/tokens/${t.id}`, admin.headers)).status).toBe(204);
    const end = await closed;
    expect(end.code).toBe(SESSION_ENDED);
    expect(end.at - t0).toBeLessThan(1000);
  });

  it("disabling the token's creator closes the token's sockets on every process", { timeout: 30_000 }, async () => {
    const t = await madeToken(["viewer"]);
    const here = await tokenSocket(api.ws, t.secret);
    const there = await tokenSocket(peer.ws, t.secret);
    const t0 = Date.now();
    expect((await api.call("PATCH", `/api/users/${t.owner.user.id}`, admin.headers, { disabled: true })).status).toBe(200);
    for (const end of [await here.closed, await there.closed]) {
      expect(end.code).toBe(SESSION_ENDED);
      expect(end.at - t0).toBeLessThan(1000);
    }
  });

  it("a creator losing the roles the token reads with closes it; a password change does not", { timeout: 30_000 }, async () => {
    const t = await madeToken(["oncall"]);
    const { client, closed } = await tokenSocket(peer.ws, t.secret);
    const changed = await api.call("POST", "/api/auth/password", t.owner.headers, {
      currentPassword: t.owner.password,
      newPassword: "another long password 2",
    });
    expect(changed.status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    const t0 = Date.now();
    expect((await api.call("PATCH", `/api/users/${t.owner.user.id}`, admin.headers, { roles: ["governance"] })).status).toBe(200);
    const end = await closed;
    expect(end.code).toBe(SESSION_ENDED);
    expect(end.at - t0).toBeLessThan(1000);
  });

  it("the socket of a token that expires closes when it expires", { timeout: 30_000 }, async () => {
    const owner = await api.signIn(["oncall"]);
    const expiresAt = Date.now() + 1500;
    const made = await api.call("POST", "/api/tokens", owner.headers, { name: "short", roles: ["viewer"], expiresAt: new Date(expiresAt).toISOString() });
    expect(made.status).toBe(201);
    const { closed } = await tokenSocket(api.ws, made.json.secret as string);
    const end = await closed;
    expect(end.code).toBe(SESSION_ENDED);
    expect(end.at).toBeGreaterThanOrEqual(expiresAt);
    expect(end.at - expiresAt).toBeLessThan(1000);
  });

  it("a token revoked where no frame is sent (straight in the database) closes at the next heartbeat", { timeout: HEARTBEAT_MS * 3 }, async () => {
    const t = await madeToken(["viewer"]);
    const { closed } = await tokenSocket(peer.ws, t.secret);
    const t0 = Date.now();
    await api.stack.db.sql`UPDATE api_tokens SET revoked_at = now() WHERE id = ${t.id}`;
    const end = await closed;
    expect(end.code).toBe(SESSION_ENDED);
    expect(end.at - t0).toBeLessThan(HEARTBEAT_MS + 2000);
  });

  it("token.revoked is internal: browsers never see it", { timeout: 30_000 }, async () => {
    const watcher = await connect(api.ws, admin.headers);
    await watcher.next((f) => f.type === "snapshot");
    const t = await madeToken(["viewer"]);
    const { closed } = await tokenSocket(api.ws, t.secret);
    await api.call("DELETE", `/api/tokens/${t.id}`, t.owner.headers);
    await closed;
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.frames.map((f) => f.type)).not.toContain("token.revoked");
    expect(watcher.socket.readyState).toBe(WebSocket.OPEN);
    watcher.close();
  });
});
