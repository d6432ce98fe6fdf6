// `npm run bench:api`: GET /api/targets on the real API against a Fastify hello-world on the same machine that
// returns the same JSON body, then the size of the fleet's reads at 10,000 targets. Each figure is printed
// beside its goal (issue 15).
//   --seconds 10       load per server (after a --warmup 2 s warm-up of each), in --rounds 3 alternating rounds
//   --connections 10   keep-alive connections of the load generator (apps/api/bench/load.ts, its own process)
//   --targets 10000    fleet size for the size figures (0 skips them)
//   --probe 1          probe the large fleet once with the real worker first, so targets carry real statuses
import { gunzipSync } from "node:zlib";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { WebSocket } from "ws";
import { arg, kb, line, ms, startApiProcess, stop, waitForLine } from "./lib.ts";

const seconds = arg("seconds", 10);
const connections = arg("connections", 10);
const rounds = Math.max(1, arg("rounds", 3));
const warmup = arg("warmup", 2);
const bigFleet = arg("targets", 10_000);
const probe = arg("probe", 1) === 1;

type Load = {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  errors: number;
  non2xx: number;
};

function load(url: string, secs: number, headers: Record<string, string>): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "apps/api/bench/load.ts"), url, String(secs), String(connections), JSON.stringify(headers)],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as Load) : reject(new Error(`load generator exited ${code}: ${out}`)),
    );
  });
}

/** Bytes of a response body as sent (not decoded), with its Content-Encoding. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number; encoding: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, bytes: body.length, encoding: String(res.headers["content-encoding"] ?? "identity"), body });
        });
      })
      .on("error", reject);
  });
}

/** The first frame of /ws and the bytes it took on the wire (socket bytes read, less the upgrade response). */
function snapshotBytes(url: string, headers: Record<string, string>): Promise<{ type: string; wireBytes: number; textBytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = new WebSocket(url, { headers, perMessageDeflate: true });
    let upgradeBytes = 0;
    socket.once("upgrade", (res) => (upgradeBytes = (res.socket.bytesRead as number | undefined) ?? 0));
    socket.once("message", (data: Buffer, isBinary: boolean) => {
      const raw = (socket as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;
      // A binary first frame is the gzipped snapshot (`?snapshot=gzip`, as the dashboard asks).
      const text = (isBinary ? gunzipSync(data) : data).toString("utf8");
      const type = (JSON.parse(text) as { type: string }).type;
      resolve({ type, wireBytes: raw - upgradeBytes, textBytes: Buffer.byteLength(text), ms: performance.now() - t0 });
      socket.close();
    });
    socket.once("error", reject);
  });
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
}

process.stdout.write(
  `bench:api — GET /api/targets vs a Fastify hello-world, ${connections} connections, ${seconds} s each in ${rounds} alternating rounds (${new Date().toISOString()})\n`,
);

// 1. Throughput and latency at the default fleet (16 targets).
{
  const api = await startApiProcess();
  const dir = mkdtempSync(join(tmpdir(), "ops-bench-api-"));
  let hello: ReturnType<typeof spawn> | undefined;
  try {
    const first = await fetch(`${api.base}/api/targets`, { headers: api.auth });
    const text = await first.text();
    const count = (JSON.parse(text) as { targets?: unknown[] }).targets?.length ?? 0;
    writeFileSync(join(dir, "body.json"), text);
    hello = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps/api/bench/hello.ts"), join(dir, "body.json")], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let helloPort = 0;
    hello.stdout!.on("data", (d: Buffer) => (helloPort = Number(/listening (\d+)/.exec(d.toString())?.[1] ?? helloPort)));
    await waitForLine(hello, /listening \d+/, 30_000);
    const helloUrl = `http://127.0.0.1:${helloPort}/api/targets`;
    process.stdout.write(`  ${count} targets, body ${kb(Buffer.byteLength(text))}; warming up\n`);
    if (warmup > 0) {
      await load(`${api.base}/api/targets`, warmup, api.auth);
      await load(helloUrl, warmup, api.auth);
    }
    // Alternating rounds, so a neighbour's load on this shared machine weighs on both sides alike.
    const reals: Load[] = [];
    const bases: Load[] = [];
    for (let r = 0; r < rounds; r++) {
      reals.push(await load(`${api.base}/api/targets`, seconds / rounds, api.auth));
      bases.push(await load(helloUrl, seconds / rounds, api.auth));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const ratios = reals.map((x, i) => x.rps / bases[i]!.rps);
    const ratio = median(ratios);
    const p99 = median(reals.map((x) => x.p99Ms ?? Infinity));
    const p50 = median(reals.map((x) => x.p50Ms ?? Infinity));
    const rps = (xs: Load[]) => xs.map((x) => x.rps).join(" / ");
    const errors = reals.reduce((a, x) => a + x.errors + x.non2xx, 0);
    process.stdout.write(
      [
        line("hello-world (same body), req/s per round", rps(bases), undefined),
        line("  its p99, median of rounds", ms(median(bases.map((x) => x.p99Ms ?? Infinity)))),
        line("GET /api/targets, req/s per round", rps(reals)),
        line("  ratio to hello-world, median of rounds", `${ratio.toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(" / ")})`, "≥ 0.5×", ratio >= 0.5),
        line("  p99 (p50), median of rounds", `${ms(p99)} (${ms(p50)})`, "< 20 ms", p99 < 20),
        line("  errors / non-2xx", String(errors), "0", errors === 0),
        line("API RSS after load", `${Math.round(rssMb(api.pid))} MB`),
      ].join("\n") + "\n",
    );
  } finally {
    await stop(hello);
    rmSync(dir, { recursive: true, force: true });
    await api.close();
  }
}

// 2. What one read of the fleet costs on the wire at 10,000 targets.
if (bigFleet > 0) {
  process.stdout.write(`  starting an API with ${bigFleet} more targets${probe ? ", probing them once with the worker" : ""}…\n`);
  const t0 = Date.now();
  const api = await startApiProcess({ extraTargets: bigFleet, probe });
  try {
    process.stdout.write(`  ready in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    const plain = await rawGet(`${api.base}/api/targets`, { ...api.auth, "accept-encoding": "identity" });
    const gz = await rawGet(`${api.base}/api/targets`, { ...api.auth, "accept-encoding": "gzip, deflate, br" });
    const listed = (JSON.parse(plain.body.toString("utf8")) as { targets?: unknown[] }).targets?.length ?? 0;
    const compressed = gz.encoding !== "identity";
    const goal = 300 * 1024;
    const rows = [
      line(`GET /api/targets, ${listed} targets, identity`, kb(plain.bytes)),
      line(
        "  with Accept-Encoding: gzip, deflate, br",
        compressed ? `${kb(gz.bytes)} (${gz.encoding})` : `${kb(gz.bytes)} (not compressed)`,
        "< 300 KB",
        gz.bytes < goal,
      ),
    ];
    // A first screen that does not need the whole fleet: a page and the summary, where the API has them.
    const pageUrl = `${api.base}/api/targets?limit=100`;
    const pagePlain = await rawGet(pageUrl, { ...api.auth, "accept-encoding": "identity" });
    const page = await rawGet(pageUrl, { ...api.auth, "accept-encoding": "gzip, deflate, br" });
    const pageCount = pagePlain.status === 200 ? ((JSON.parse(pagePlain.body.toString("utf8")) as { targets?: unknown[] }).targets?.length ?? 0) : 0;
    if (page.status === 200 && pageCount <= 100)
      rows.push(line(`  GET /api/targets?limit=100 (${pageCount})`, `${kb(page.bytes)} (${page.encoding})`, "< 300 KB", page.bytes < goal));
    else rows.push(line("  GET /api/targets?limit=100", page.status === 200 ? "n/a: no paging (whole list)" : `n/a: HTTP ${page.status}`));
    const summary = await rawGet(`${api.base}/api/targets/summary`, { ...api.auth, "accept-encoding": "gzip, deflate, br" });
    rows.push(line("  GET /api/targets/summary", summary.status === 200 ? `${kb(summary.bytes)} (${summary.encoding})` : `n/a: HTTP ${summary.status}`));
    // As the dashboard asks (one gzipped binary frame per version), then as JSON text for clients that do not ask.
    const snap = await snapshotBytes(`${api.ws}?snapshot=gzip`, api.auth);
    const text = await snapshotBytes(api.ws, api.auth);
    rows.push(
      line(`/ws first frame (${snap.type}, ?snapshot=gzip)`, `${kb(snap.wireBytes)} on the wire`, "< 300 KB", snap.wireBytes < goal),
      line("  inflated", `${kb(snap.textBytes)}, ${ms(snap.ms)} to arrive`),
      line(`  as JSON text (no ?snapshot=)`, `${kb(text.wireBytes)} on the wire, ${ms(text.ms)} to arrive`),
      line("API RSS", `${Math.round(rssMb(api.pid))} MB`, "API + worker < 256 MB", rssMb(api.pid) < 256),
    );
    process.stdout.write(rows.join("\n") + "\n");
  } finally {
    await api.close();
  }
}
