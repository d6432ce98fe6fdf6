// `npm run bench:ws`: N dashboards on the real API's /ws (session cookies, as the dashboard signs in), status
// changes published on the Redis bus as the worker publishes them, and the time from each publish to its
// receipt on every socket; then a reconnect storm (every socket closes and reconnects at once) until every
// socket has its first frame again. Each figure beside its goal (issue 15).
//   --viewers 1000   sockets (3000, 5000 for the issue's other rows)
//   --targets 10000  farm targets added to the default fleet (the snapshot each socket gets carries them all)
//   --probe 1        probe the fleet once with the real worker first (real statuses in the snapshot), then stop it
//   --changes 20     status changes published, one at a time (the next when every viewer has the last, or 10 s)
//   --sessions 20    distinct signed-in sessions the sockets are spread over
// The viewers run in this process (one core) and the API in its own: on a 2-core machine the receipt
// figures include this process's own queueing of N frames per change, so they are an upper bound.
import { readFileSync } from "node:fs";
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
const receiptGoal = viewers <= 1000 ? 100 : viewers <= 5000 ? 300 : null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fdLimit = Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? 0);
process.stdout.write(
  `bench:ws — ${viewers} viewers, ${targets} + 16 targets${probe ? " (probed once)" : ""}, ${changes} status changes (${new Date().toISOString()}); open-file limit ${fdLimit}\n`,
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

const api = await startApiProcess({ extraTargets: targets, probe });
const pub = createRedis(api.stack.redisUrl, { name: "bench-ws-publisher" });
const bus = new EventBus(pub, null, api.stack.prefix);
const sentAt = new Map<number, number>();
const receipts = new Map<number, number[]>();
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${api.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** The frame's type, from its first bytes (a snapshot can be megabytes: it is not parsed). */
const typeOf = (data: Buffer) => /"type"\s*:\s*"([^"]+)"/.exec(data.subarray(0, 128).toString("utf8"))?.[1] ?? "?";

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
  const url = resume && v.version && v.epoch ? `${api.ws}?since=${v.version}&epoch=${encodeURIComponent(v.epoch)}` : api.ws;
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: { cookie, origin: api.base }, perMessageDeflate: true });
    v.socket = socket;
    socket.on("message", (data: Buffer) => {
      const now = performance.now();
      v.bytes += data.length;
      if (v.firstAt === null) {
        v.firstAt = now;
        v.firstType = typeOf(data);
        // version and epoch follow the targets: read them from the frame's tail, not by parsing megabytes.
        const tail = data.subarray(Math.max(0, data.length - 256)).toString("utf8");
        v.version = /"version"\s*:\s*(\d+)/.exec(tail)?.[1] ?? null;
        v.epoch = /"epoch"\s*:\s*"([^"]+)"/.exec(tail)?.[1] ?? null;
        resolve(v);
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

  // 1. Every viewer connects (in batches of 250, as browsers that open over a minute would) and gets its snapshot.
  const first = await openAll(cookies, undefined, 250);
  const snapshotBytes = first.viewers[0]!.bytes;
  const types = new Set(first.viewers.map((v) => v.firstType));
  process.stdout.write(
    [
      line(`${viewers} viewers connected (batches of 250)`, `${first.seconds.toFixed(1)} s`),
      line("  sockets without a first frame", failures(first.failed), "0", first.failed.length === 0),
      line("  first frame", `${[...types].join(", ")}, ${kb(snapshotBytes)} as text`),
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
