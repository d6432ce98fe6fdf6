// A small HTTP/1.1 load generator (like autocannon with pipelining 1): C keep-alive connections, each sending
// the next request as soon as the previous response has fully arrived, for S seconds. Run as its own process
// so the load does not share the event loop of the server it measures. Prints one JSON line:
// { requests, seconds, rps, p50Ms, p99Ms, maxMs, errors, non2xx, bodyBytes }.
// Usage: node --import tsx apps/api/bench/load.ts <url> <seconds> <connections> [headers as JSON]
import net from "node:net";
import { percentile } from "@ops/domain";

const [url, secondsArg, connArg, headersArg] = process.argv.slice(2);
if (!url) throw new Error("usage: load.ts <url> <seconds> <connections> [headers JSON]");
const u = new URL(url);
const seconds = Number(secondsArg ?? 10);
const connections = Number(connArg ?? 10);
const headers = JSON.parse(headersArg ?? "{}") as Record<string, string>;
const request = Buffer.from(
  `GET ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\nconnection: keep-alive\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("") +
    "\r\n",
);

const latencies: number[] = [];
let errors = 0;
let non2xx = 0;
let bodyBytes = 0;
const deadline = performance.now() + seconds * 1000;

/** One connection's loop; resolves at the deadline. Responses are read by Content-Length or chunked framing. */
function connection(): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(u.port || 80), u.hostname);
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    const send = () => {
      if (performance.now() >= deadline) {
        socket.end();
        resolve();
        return;
      }
      sentAt = performance.now();
      socket.write(request);
    };
    socket.on("connect", send);
    socket.on("data", (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const headEnd = buf.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const head = buf.subarray(0, headEnd).toString("latin1");
        const status = Number(head.slice(9, 12));
        const len = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        let end: number;
        if (len) {
          end = headEnd + 4 + Number(len[1]);
          if (buf.length < end) return;
        } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
          const term = buf.indexOf("\r\n0\r\n\r\n", headEnd);
          if (term < 0) return;
          end = term + 7;
        } else {
          end = headEnd + 4;
        }
        latencies.push(performance.now() - sentAt);
        bodyBytes += end - headEnd - 4;
        if (status < 200 || status > 299) non2xx++;
        buf = buf.subarray(end);
        send();
      }
    });
    socket.on("error", () => {
      errors++;
      resolve();
    });
    socket.on("close", () => resolve());
  });
}

const t0 = performance.now();
await Promise.all(Array.from({ length: connections }, connection));
const elapsed = (performance.now() - t0) / 1000;
process.stdout.write(
  JSON.stringify({
    requests: latencies.length,
    seconds: +elapsed.toFixed(2),
    rps: Math.round(latencies.length / elapsed),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length ? latencies.reduce((a, b) => Math.max(a, b), 0) : null,
    errors,
    non2xx,
    bodyBytes,
  }) + "\n",
);
