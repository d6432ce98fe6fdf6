import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type GatewayMode = "ok" | "starting" | "error" | "garbage" | "hang" | "memory";

/** A tiny HTTP server shaped like an OpenClaw gateway's probe surface, switchable between behaviours. */
export async function startGatewayLike(opts: { version?: string } = {}) {
  let mode: GatewayMode = "ok";
  let bootedAt = Date.now();
  const server = http.createServer((req, res) => {
    if (mode === "hang") return;
    const uptimeMs = Date.now() - bootedAt;
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (mode === "error") return send(500, { error: "internal" });
    if (mode === "garbage") return send(200, "<html>oops");
    const starting = mode === "starting";
    switch (req.url) {
      case "/healthz":
        return send(200, { ok: true, status: "live" });
      case "/readyz":
        return send(starting ? 503 : 200, {
          ready: !starting,
          failing: starting ? ["startup-sidecars"] : [],
          uptimeMs,
          eventLoop: { degraded: false, reasons: [], delayP99Ms: 10 },
          resources: { cpuPercent: 10, memoryPercent: mode === "memory" ? 93 : 40, diskPercent: 50 },
        });
      case "/startupz":
        return send(starting ? 503 : 200, { ok: !starting, status: starting ? "starting" : "started", version: opts.version ?? "2026.9.6", uptimeMs });
      default:
        return send(404, "not found");
    }
  });
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  return {
    port,
    /** Stop listening, as a crashed process would: connections are refused until start(). */
    async stop() {
      if (!listening) return;
      listening = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async start() {
      if (listening) return;
      bootedAt = Date.now();
      await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
      listening = true;
    },
    baseUrl: `http://127.0.0.1:${port}`,
    setMode(m: GatewayMode) {
      mode = m;
    },
    restart() {
      bootedAt = Date.now();
    },
    async close() {
      if (!listening) return;
      listening = false;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
