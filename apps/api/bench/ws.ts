// `npm run bench:ws`: N dashboards on the real API's /ws (session cookies, as the dashboard signs in), status
// changes published on the Redis bus as the worker publishes them, and the time from each publish to its
// receipt on every socket; then a reconnect storm (every socket closes and reconnects at once) until every
// socket has its first frame again. Each figure beside its goal (issue 15).
//   --viewers 1000   sockets (3000, 5000 for the issue's other rows)
//   --targets 10000  farm targets added to the default fleet (the snapshot each socket gets carries them all)
//   --probe 1        probe the fleet once with the real worker first (real statuses in the snapshot), then stop it
//   --changes 20     status changes published, one at a time (the next when every viewer has the last, or 10 s)
//   --sessions 20    distinct signed-in sessions the sockets are spread over
//   --gzip 1         viewers ask for the gzipped binary snapshot and large updates (/ws?snapshot=gzip&updates=gzip), as
//                    the dashboard does; 0: JSON text
//   --interval 1     with --probe: the worker keeps probing one more 30 s interval while 10 viewers count what they receive
// The viewers run in this process (one core) and the API in its own: on a 2-core machine the receipt
// figures include this process's own queueing of N frames per change, so they are an upper bound.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { EventBus, createRedis } from "@ops/core";
import { percentile } from "@ops/domain";
import type { TargetView } from "@ops/contract";
import { WebSocket } from "ws";
import { arg, kb, line, ms, startApiProcess } from "./lib.ts";

const viewers = arg("viewers", 1000);
const targets = arg("targets", 10_000);
const probe = arg("probe", 1) === 1;
const changes = arg("changes", 20);
const sessions = Math.max(1, Math.min(arg("sessions", 20), viewers));
const gzip = arg("gzip", 1) === 1;
const interval = probe && arg("interval", 1) === 1;
const INTERVAL_S = 30;
const receiptGoal = viewers <= 1000 ? 100 : viewers <= 5000 ? 300 : null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fdLimit = Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? 0);
process.stdout.write(
  `bench:ws — ${viewers} viewers, ${targets} + 16 targets${probe ? " (probed once)" : ""}, ${changes} status changes, snapshot ${gzip ? "gzip" : "JSON text"} (${new Date().toISOString()}); open-file limit ${fdLimit}; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}\n`,
);
if (fdLimit && fdLimit < viewers + 200) throw new Error(`open-file limit ${fdLimit} is below ${viewers} sockets: raise it (ulimit -n)`);

const MARK = Buffer.from("bench-change-");

type Viewer = {
  socket: WebSocket;
  firstAt: number | null;
  firstType: string | null;
  seen: Set<number>;
  bytes: number;
  /** The fleet version and API epoch of the first frame, where the API sends them (to resume with). */
  version: string | null;
  epoch: string | null;
  /** Why the socket failed before its first frame, or closed without this benchmark closing it. */
  failed: string | null;
  dropped: number | null;
  closing: boolean;
};

const api = await startApiProcess({ extraTargets: targets, probe, keepWorker: interval });
const pub = createRedis(api.stack.redisUrl, { name: "bench-ws-publisher" });
const bus = new EventBus(pub, null, api.stack.prefix);
const sentAt = new Map<number, number>();
const receipts = new Map<number, number[]>();
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${api.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** The frame's type, from its first bytes (a snapshot can be megabytes: it is not parsed). */
const typeOf = (data: Buffer) => /"type"\s*:\s*"([^"]+)"/.exec(data.subarray(0, 128).toString("utf8"))?.[1] ?? "?";

/**
 * A first frame's type, fleet version and epoch. A gzipped snapshot is inflated once per distinct snapshot (keyed by its
 * gzip trailer, the CRC and length of what it holds), not once per viewer: the viewers share this process's one core.
 */
const inflated = new Map<string, { type: string; version: string | null; epoch: string | null }>();
function firstFrameOf(data: Buffer, binary: boolean): { type: string; version: string | null; epoch: string | null } {
  const read = (text: Buffer) => {
    // version and epoch follow the targets: read them from the frame's tail, not by parsing megabytes.
    const tail = text.subarray(Math.max(0, text.length - 256)).toString("utf8");
    return { type: typeOf(text), version: /"version"\s*:\s*(\d+)/.exec(tail)?.[1] ?? null, epoch: /"epoch"\s*:\s*"([^"]+)"/.exec(tail)?.[1] ?? null };
  };
  if (!binary) return read(data);
  const key = data.subarray(data.length - 8).toString("hex");
  let got = inflated.get(key);
  if (!got) {
    got = { ...read(gunzipSync(data)) };
    got.type += " (gzip)";
    inflated.set(key, got);
  }
  return got;
}

function open(cookie: string, viewer?: Viewer, resume = false): Promise<Viewer> {
  const v: Viewer = viewer ?? {
    socket: null as unknown as WebSocket,
    firstAt: null,
    firstType: null,
    seen: new Set(),
    bytes: 0,
    version: null,
    epoch: null,
    failed: null,
    dropped: null,
    closing: false,
  };
  v.firstAt = null;
  v.firstType = null;
  v.failed = null;
  v.dropped = null;
  v.closing = false;
  const url = new URL(api.ws);
  if (gzip) {
    url.searchParams.set("snapshot", "gzip");
    url.searchParams.set("updates", "gzip");
  }
  if (resume && v.version && v.epoch) {
    url.searchParams.set("since", v.version);
    url.searchParams.set("epoch", v.epoch);
  }
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: { cookie, origin: api.base }, perMessageDeflate: true });
    v.socket = socket;
    socket.on("message", (data: Buffer, binary: boolean) => {
      const now = performance.now();
      v.bytes += data.length;
      if (v.firstAt === null) {
        v.firstAt = now;
        const first = firstFrameOf(data, binary);
        v.firstType = first.type;
        v.version = first.version;
        v.epoch = first.epoch;
        resolve(v);
        if (binary) return;
      }
      // A change is recognised by its marker wherever the API puts it (a status frame, a batch of changes…).
      for (let at = data.indexOf(MARK); at >= 0; at = data.indexOf(MARK, at + 1)) {
        let n = 0;
        for (let i = at + MARK.length; i < data.length && data[i]! >= 48 && data[i]! <= 57; i++) n = n * 10 + data[i]! - 48;
        const sent = sentAt.get(n);
        if (sent === undefined || v.seen.has(n)) continue;
        v.seen.add(n);
        receipts.get(n)!.push(now - sent);
      }
    });
    // A failure is counted, not thrown: the figure says how many sockets got what they asked for.
    socket.once("error", (err) => {
      if (v.firstAt === null && v.failed === null) v.failed = err.message;
    });
    socket.once("close", (code) => {
      if (v.firstAt === null) {
        v.failed ??= `closed ${code}`;
        resolve(v);
      } else if (!v.closing) v.dropped = code;
    });
  });
}

/** A viewer that counts the frames (and bytes) after its first, parsing each: for the interval measure, not the storm. */
function watch(cookie: string) {
  const url = new URL(api.ws);
  if (gzip) {
    url.searchParams.set("snapshot", "gzip");
    url.searchParams.set("updates", "gzip");
  }
  const socket = new WebSocket(url, { headers: { cookie, origin: api.base } });
  const w = { socket, first: false, bytes: 0, frames: 0, statusFrames: 0, updated: 0, heartbeats: 0 };
  return new Promise<typeof w>((resolve, reject) => {
    socket.once("error", reject);
    socket.on("message", (data: Buffer, binary: boolean) => {
      if (!w.first) {
        w.first = true;
        return resolve(w);
      }
      w.bytes += data.length;
      w.frames++;
      const frame = JSON.parse((binary ? gunzipSync(data) : data).toString("utf8")) as { type: string; targets?: unknown[] };
      if (frame.type === "target.status") w.statusFrames++;
      else if (frame.type === "target.update") w.updated += frame.targets?.length ?? 0;
      else if (frame.type === "heartbeat") w.heartbeats++;
    });
  });
}

async function openAll(
  cookies: string[],
  existing?: Viewer[],
  batch = viewers,
  resume = false,
): Promise<{ viewers: Viewer[]; seconds: number; perSocket: number[]; failed: string[] }> {
  const t0 = performance.now();
  const out: Viewer[] = [];
  for (let i = 0; i < viewers; i += batch) {
    const slice = Array.from({ length: Math.min(batch, viewers - i) }, (_, j) => open(cookies[(i + j) % cookies.length]!, existing?.[i + j], resume));
    out.push(...(await Promise.all(slice)));
  }
  const ok = out.filter((v) => v.firstAt !== null);
  return {
    viewers: ok,
    seconds: (performance.now() - t0) / 1000,
    perSocket: ok.map((v) => v.firstAt! - t0),
    failed: out.filter((v) => v.firstAt === null).map((v) => v.failed ?? "?"),
  };
}

/** "0", or how many failed and how (the commonest reasons). */
function failures(reasons: string[]): string {
  if (reasons.length === 0) return "0";
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return `${reasons.length} (${top.map(([r, n]) => `${n}× ${r}`).join(", ")})`;
}
const droppedLine = (vs: Viewer[]) => failures(vs.filter((v) => v.dropped !== null).map((v) => `code ${v.dropped}`));

const closeAll = (vs: Viewer[]) =>
  Promise.all(
    vs.map(
      (v) =>
        new Promise<void>((r) => {
          v.closing = true;
          if (v.socket.readyState === WebSocket.CLOSED) return r();
          v.socket.once("close", () => r());
          v.socket.close();
        }),
    ),
  );

try {
  const cookies: string[] = [];
  for (let i = 0; i < sessions; i++) cookies.push((await api.login()).cookie);
  const name = targets > 0 ? "svc-00000" : "alpha";
  const { target } = (await (await fetch(`${api.base}/api/targets/${name}`, { headers: api.auth })).json()) as { target: TargetView };

  // 0. One probe interval of the real worker on the whole fleet, with a few viewers counting what reaches them after
  // their first frame: what a board costs per interval when nothing is happening but routine probing.
  if (interval) {
    const few = await Promise.all(Array.from({ length: 10 }, (_, i) => watch(cookies[i % cookies.length]!)));
    const t0 = performance.now();
    await sleep(INTERVAL_S * 1000);
    const seconds = (performance.now() - t0) / 1000;
    await api.stopWorker();
    for (const w of few) w.socket.close();
    const bytes = few.map((w) => w.bytes);
    const w0 = few[0]!;
    process.stdout.write(
      [
        line(
          `per viewer per ${INTERVAL_S} s interval (${targets + 16} probed)`,
          `${kb(percentile(bytes, 50)!)} median, ${kb(Math.max(...bytes))} max`,
          "only what changed",
        ),
        line(
          "  what one viewer got",
          `${w0.frames} frames: ${w0.statusFrames} status changes, ${w0.updated} target updates, ${w0.heartbeats} heartbeats in ${seconds.toFixed(1)} s`,
        ),
      ].join("\n") + "\n",
    );
  }

  // 1. Every viewer connects (in batches of 250, as browsers that open over a minute would) and gets its snapshot.
  const first = await openAll(cookies, undefined, 250);
  const snapshotBytes = first.viewers[0]!.bytes;
  const types = new Set(first.viewers.map((v) => v.firstType));
  process.stdout.write(
    [
      line(`${viewers} viewers connected (batches of 250)`, `${first.seconds.toFixed(1)} s`),
      line("  sockets without a first frame", failures(first.failed), "0", first.failed.length === 0),
      line("  first frame on the wire", `${[...types].join(", ")}, ${kb(snapshotBytes)}`, "first screen < 300 KB", snapshotBytes < 300 * 1024),
      line("  API RSS with every viewer open", `${Math.round(rss())} MB`),
    ].join("\n") + "\n",
  );

  // 2. Status changes, one at a time, as the worker publishes them.
  let from = target.status;
  for (let i = 1; i <= changes; i++) {
    const to = from === "down" ? "ok" : "down";
    const at = new Date().toISOString();
    const reason = `bench-change-${i}`;
    receipts.set(i, []);
    sentAt.set(i, performance.now());
    await bus.publish({
      type: "target.status",
      target: { ...target, status: to, reason, since: at, checkedAt: at },
      event: { id: 1_000_000_000 + i, target: name, at, kind: "status", from, to, reason },
    });
    from = to;
    const deadline = performance.now() + 10_000;
    while (receipts.get(i)!.length < viewers && performance.now() < deadline) await sleep(5);
    // Every viewer has this change (or the deadline passed): a short gap, so changes arrive one at a time as a
    // fleet's do, rather than back to back.
    await sleep(100);
  }
  const all = [...receipts.values()].flat();
  const expected = viewers * changes;
  const p99 = percentile(all, 99);
  process.stdout.write(
    [
      line("status change → receipt, p50", ms(percentile(all, 50))),
      line(
        `  p99 over ${viewers} viewers × ${changes} changes`,
        ms(p99),
        receiptGoal ? `< ${receiptGoal} ms at ${viewers <= 1000 ? "1,000" : "5,000"}` : undefined,
        receiptGoal && p99 !== null ? p99 < receiptGoal : null,
      ),
      line("  max", ms(all.length ? all.reduce((a, b) => Math.max(a, b), 0) : null)),
      line("  delivered", `${all.length} of ${expected}`, "all", all.length === expected),
      line(
        "  sockets the server closed meanwhile",
        droppedLine(first.viewers),
        "0",
        first.viewers.every((v) => v.dropped === null),
      ),
    ].join("\n") + "\n",
  );

  // 3. Reconnect storm: every socket closes, then all reconnect at once (the dashboard's first retry has no jitter).
  // closeAll resolves on each socket's close event, which follows the server's half of the close handshake.
  await closeAll(first.viewers);
  const storm = await openAll(cookies, first.viewers);
  const stormTypes = new Set(storm.viewers.map((v) => v.firstType));
  process.stdout.write(
    [
      line(
        `reconnect storm: ${viewers} at once → all have their first frame`,
        `${storm.seconds.toFixed(2)} s`,
        "1,000 reconnects < 5 s",
        viewers >= 1000 ? storm.seconds < 5 && storm.failed.length === 0 : null,
      ),
      line("  sockets without a first frame", failures(storm.failed), "0", storm.failed.length === 0),
      line("  per socket p50 / p99", `${ms(percentile(storm.perSocket, 50))} / ${ms(percentile(storm.perSocket, 99))}`),
      line("  first frame", [...stormTypes].join(", ")),
      line("  API RSS after the storm", `${Math.round(rss())} MB`),
    ].join("\n") + "\n",
  );

  // 4. The same storm for dashboards that resume from their fleet version (/ws?since=&epoch=), where the API offers it.
  if (storm.viewers.every((v) => v.version && v.epoch)) {
    await closeAll(storm.viewers);
    const resumed = await openAll(cookies, storm.viewers, viewers, true);
    const resumedTypes = new Set(resumed.viewers.map((v) => v.firstType));
    process.stdout.write(
      [
        line(
          `resume storm: ${viewers} at once with ?since=`,
          `${resumed.seconds.toFixed(2)} s`,
          "1,000 reconnects < 5 s",
          viewers >= 1000 ? resumed.seconds < 5 && resumed.failed.length === 0 : null,
        ),
        line("  sockets without a first frame", failures(resumed.failed), "0", resumed.failed.length === 0),
        line("  per socket p50 / p99", `${ms(percentile(resumed.perSocket, 50))} / ${ms(percentile(resumed.perSocket, 99))}`),
        line("  first frame", [...resumedTypes].join(", ")),
      ].join("\n") + "\n",
    );
    for (const v of resumed.viewers) v.socket.terminate();
  } else {
    process.stdout.write(line("resume storm (?since=)", "n/a: the snapshot carries no fleet version") + "\n");
    for (const v of storm.viewers) v.socket.terminate();
  }
} finally {
  pub.disconnect();
  await api.close();
}
