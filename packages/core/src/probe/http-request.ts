import http from "node:http";
import https from "node:https";
import net from "node:net";
import { performance } from "node:perf_hooks";
import type { RequestOutcome } from "@ops/domain";

const MAX_BODY_BYTES = 64 * 1024;

const agents = {
  http: new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: 4, maxFreeSockets: 2, timeout: 60_000 }),
  https: new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: 4, maxFreeSockets: 2, timeout: 60_000 }),
};

function classify(err: NodeJS.ErrnoException, latencyMs: number): RequestOutcome {
  switch (err.code) {
    case "ECONNREFUSED":
      return { kind: "refused", message: "connection refused", latencyMs };
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return { kind: "dns", message: (err as { hostname?: string }).hostname ?? "lookup failed", latencyMs };
    case "ECONNRESET":
    case "EPIPE":
      return { kind: "reset", message: "connection reset", latencyMs };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return { kind: "error", message: "host unreachable", latencyMs };
    default:
      return { kind: "error", message: err.message || String(err.code), latencyMs };
  }
}

function once(url: URL, timeoutMs: number): Promise<RequestOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: RequestOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const req = mod.request(
      url,
      {
        method: "GET",
        agent: url.protocol === "https:" ? agents.https : agents.http,
        headers: { accept: "application/json", "user-agent": "openclaw-ops-prober" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        res.on("end", () => done({ kind: "response", statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), latencyMs: elapsed() }));
        res.on("error", (err) => done(classify(err, elapsed())));
      },
    );
    const timer = setTimeout(() => {
      done({ kind: "timeout", message: `timeout after ${timeoutMs} ms`, latencyMs: timeoutMs });
      req.destroy();
    }, timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => done(classify(err, elapsed())));
    req.end();
  });
}

/** GET a URL with a hard timeout; never throws. A reset on a reused keep-alive socket is retried once. */
export async function httpGet(url: string, timeoutMs: number): Promise<RequestOutcome> {
  const parsed = new URL(url);
  const first = await once(parsed, timeoutMs);
  if (first.kind === "reset") return once(parsed, timeoutMs);
  return first;
}

/** Open and close a TCP connection; the response outcome has no body. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<RequestOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (o: RequestOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: "timeout", message: `timeout after ${timeoutMs} ms`, latencyMs: timeoutMs }), timeoutMs);
    socket.once("connect", () => finish({ kind: "response", statusCode: 0, body: "", latencyMs: performance.now() - started }));
    socket.once("error", (err: NodeJS.ErrnoException) => finish(classify(err, performance.now() - started)));
  });
}
