// Many lightweight gateway-shaped targets in one process: TARGETS paths spread over ports from BASE_PORT,
// PER_PORT targets a port. Prints "ready" once every port listens.
import http from "node:http";

const targets = Number(process.env.TARGETS ?? 1000);
const perPort = Number(process.env.PER_PORT ?? 20);
const basePort = Number(process.env.BASE_PORT ?? 40000);
const started = Date.now();

const live = JSON.stringify({ ok: true, status: "live" });
const startup = () => JSON.stringify({ ok: true, status: "started", version: "2026.9.6", uptimeMs: Date.now() - started });
const ready = () =>
  JSON.stringify({
    ready: true,
    failing: [],
    uptimeMs: Date.now() - started,
    eventLoop: { degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 1000, delayP99Ms: 11, delayMaxMs: 14 },
    resources: { cpuPercent: 12, memoryPercent: 41, diskPercent: 48 },
  });

const handler: http.RequestListener = (req, res) => {
  const url = req.url ?? "";
  const body = url.endsWith("/healthz") ? live : url.endsWith("/readyz") ? ready() : url.endsWith("/startupz") ? startup() : null;
  if (body === null) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
};

const ports = Math.ceil(targets / perPort);
let listening = 0;
for (let i = 0; i < ports; i++) {
  const server = http.createServer({ keepAlive: true, keepAliveTimeout: 65_000 }, handler);
  server.keepAliveTimeout = 65_000;
  server.listen(basePort + i, "127.0.0.1", () => {
    if (++listening === ports) process.stdout.write("ready\n");
  });
}
process.on("SIGTERM", () => process.exit(0));
