import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

/** Raw HTTP, so the Host header is what the test says (fetch sets its own). */
function raw(base: string, opts: { method: string; path: string; headers: Record<string, string>; body?: unknown; upgrade?: boolean }) {
  const url = new URL(opts.path, base);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (opts.upgrade)
    Object.assign(headers, { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" });
  return new Promise<number>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: opts.method, headers, agent: false, setHost: !("host" in headers) },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("[AUTH] the Origin allow-list comes from configuration, never from the Host header", () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let cookie: string;
  const newToken = { name: "x", roles: ["oncall"] };

  beforeAll(async () => {
    api = await startApi({ env: { OPS_ALLOWED_ORIGINS: "https://partner.example" } });
    cookie = (await api.signIn(["oncall"])).cookie;
  });
  afterAll(async () => {
    await api?.close();
  });

  it("refuses a state change whose Origin matches only a forged Host header", async () => {
    const status = await raw(api.base, {
      method: "POST",
      path: "/api/tokens",
      headers: { cookie, host: "evil.example", origin: "http://evil.example" },
      body: newToken,
    });
    expect(status).toBe(403);
  });

  it("refuses a /ws handshake whose Origin matches only a forged Host header", async () => {
    const status = await raw(api.base, { method: "GET", path: "/ws", headers: { cookie, host: "evil.example", origin: "http://evil.example" }, upgrade: true });
    expect(status).toBe(403);
  });

  it("refuses a DNS-rebinding page: the console's port under a foreign name", async () => {
    const port = new URL(api.base).port;
    const status = await raw(api.base, {
      method: "POST",
      path: "/api/tokens",
      headers: { cookie, host: `rebind.example:${port}`, origin: `http://rebind.example:${port}` },
      body: newToken,
    });
    expect(status).toBe(403);
  });

  it("accepts the console's own origins on the port it actually listens on, whatever the Host header says", async () => {
    const port = new URL(api.base).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, "https://partner.example"]) {
      const status = await raw(api.base, { method: "POST", path: "/api/tokens", headers: { cookie, host: "evil.example", origin }, body: newToken });
      expect([origin, status]).toEqual([origin, 201]);
    }
    expect(await raw(api.base, { method: "GET", path: "/ws", headers: { cookie, origin: `http://localhost:${port}` }, upgrade: true })).toBe(101);
  });

  it("accepts the dashboard's development server (Vite on :5173, proxying to the API)", async () => {
    expect(await raw(api.base, { method: "POST", path: "/api/tokens", headers: { cookie, origin: "http://localhost:5173" }, body: newToken })).toBe(201);
  });

  it("refuses an origin on another port of this machine", async () => {
    expect(await raw(api.base, { method: "POST", path: "/api/tokens", headers: { cookie, origin: "http://127.0.0.1:1" }, body: newToken })).toBe(403);
  });
});

describe("[AUTH] behind a reverse proxy: OPS_PUBLIC_URL names the console's origin", () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let cookie: string;

  beforeAll(async () => {
    api = await startApi({ env: { OPS_PUBLIC_URL: "https://ops.example.com/" } });
    cookie = (await api.signIn(["oncall"])).cookie;
  });
  afterAll(async () => {
    await api?.close();
  });

  it("accepts the public origin, whatever Host the proxy forwards", async () => {
    const status = await raw(api.base, {
      method: "POST",
      path: "/api/tokens",
      headers: { cookie, host: "api:3000", origin: "https://ops.example.com" },
      body: { name: "x", roles: ["oncall"] },
    });
    expect(status).toBe(201);
  });

  it("refuses the direct address once a public URL is set, and a forged Host still", async () => {
    const direct = await raw(api.base, { method: "POST", path: "/api/tokens", headers: { cookie, origin: api.base }, body: { name: "x", roles: ["oncall"] } });
    expect(direct).toBe(403);
    const forged = await raw(api.base, {
      method: "POST",
      path: "/api/tokens",
      headers: { cookie, host: "evil.example", origin: "http://evil.example" },
      body: { name: "x", roles: ["oncall"] },
    });
    expect(forged).toBe(403);
  });
});
