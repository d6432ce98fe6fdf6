import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetView } from "@ops/contract";
import type { Redis } from "ioredis";
import { connect, startApi, type Json } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  viewer = (await api.signIn(["viewer"])).headers;
});
afterAll(async () => {
  await api?.close();
});

const targets = async (query = "") => {
  const res = await api.call("GET", `/api/targets${query}`, viewer);
  expect(res.status, res.text).toBe(200);
  return res.json;
};
const byName = (body: Json, name: string) => (body.targets as TargetView[]).find((t) => t.name === name);

/** Polls until `check` passes (a frame crosses Redis between the publish and the API): the state, not a fixed time. */
async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let clock = Date.parse("2030-01-01T00:00:00Z");
/** A view of a configured target as a worker would publish it, checked later than anything before. */
async function published(name: string, over: Partial<TargetView>): Promise<TargetView> {
  const base = byName(await targets(), name);
  if (!base) throw new Error(`no target ${name}`);
  clock += 1000;
  const view = { ...base, checkedAt: new Date(clock).toISOString(), ...over };
  await api.bus.publish({ type: "target.update", targets: [view] });
  return view;
}

describe("[FLEET] GET /api/targets answers from the fleet in memory", () => {
  it("a bus frame changes the answer while the database row is unchanged; an older frame does not", async () => {
    await published("alpha", { status: "down", reason: "from a frame only" });
    const after = await until(
      "alpha down",
      () => targets(),
      (b) => byName(b, "alpha")?.status === "down",
    );
    expect(byName(after, "alpha")?.reason).toBe("from a frame only");
    // The database still says what the sync wrote: the answer did not come from it.
    const [row] = await api.stack.db.sql<{ status: string }[]>`SELECT status FROM target_state WHERE name = 'alpha'`;
    expect(row?.status).toBe("unknown");
    expect((await api.call("GET", "/api/targets/alpha", viewer)).json.target.status).toBe("unknown");

    // An out-of-order result (checked before the one held) is ignored; a newer one after it still lands.
    await api.bus.publish({
      type: "target.update",
      targets: [{ ...byName(after, "alpha")!, status: "ok", checkedAt: new Date(clock - 60_000).toISOString(), reason: "late" }],
    });
    await published("beta", { status: "warning", reason: "marker" });
    await until(
      "beta warning",
      () => targets(),
      (b) => byName(b, "beta")?.status === "warning",
    );
    expect(byName(await targets(), "alpha")?.reason).toBe("from a frame only");
  });

  it("without parameters the answer keeps its shape: every target in config order, nothing else", async () => {
    const body = await targets();
    expect(Object.keys(body)).toEqual(["targets"]);
    expect((body.targets as TargetView[]).map((t) => t.name).slice(0, 3)).toEqual(["steward", "alpha", "beta"]);
  });

  it("filters by status, kind and text, and pages with a cursor or an offset", async () => {
    await published("alpha", { status: "down", reason: "from a frame only" });
    await published("charlie", { status: "critical", reason: "filter me" });
    await until(
      "charlie critical",
      () => targets(),
      (b) => byName(b, "charlie")?.status === "critical" && byName(b, "alpha")?.status === "down",
    );

    const down = await targets("?status=down,critical");
    expect((down.targets as TargetView[]).map((t) => t.name)).toEqual(["alpha", "charlie"]);
    expect(down).toMatchObject({ total: 2, nextCursor: null });
    expect(typeof down.version).toBe("number");

    const all = (await targets()).targets as TargetView[];
    const agents = all.filter((t) => t.kind === "agent").map((t) => t.name);
    const first = await targets("?kind=agent&limit=4");
    expect((first.targets as TargetView[]).map((t) => t.name)).toEqual(agents.slice(0, 4));
    expect(first.nextCursor).toBe(agents[3]);
    const second = await targets(`?kind=agent&limit=4&cursor=${first.nextCursor as string}`);
    expect((second.targets as TargetView[]).map((t) => t.name)).toEqual(agents.slice(4, 8));
    const byOffset = await targets("?kind=agent&limit=4&offset=4");
    expect(byOffset.targets).toEqual(second.targets);

    const text = await targets("?q=CHARL");
    expect((text.targets as TargetView[]).map((t) => t.name)).toEqual(["charlie"]);
  });

  it.each([
    ["?status=sideways", "status"],
    ["?kind=robot", "kind"],
    ["?limit=0", "limit"],
    ["?cursor=alpha&offset=2", "offset"],
  ])("bad input %s → 400 naming %s", async (query, field) => {
    const res = await api.call("GET", `/api/targets${query}`, viewer);
    expect(res.status).toBe(400);
    expect(res.json.field ?? res.json.message).toContain(field);
  });

  it("the summary counts by status and lists the problems, agents first and worst first", async () => {
    const s = (await api.call("GET", "/api/targets/summary", viewer)).json;
    const all = (await targets()).targets as TargetView[];
    expect(s.total).toBe(all.length);
    expect(s.counts.down).toBe(all.filter((t) => t.status === "down").length);
    expect((s.problems as TargetView[]).map((t) => t.name)).toEqual(["alpha", "charlie", "beta"]);
    expect(typeof s.version).toBe("number");
  });

  it("compresses a large answer when asked, and not a tiny one", async () => {
    const get = (path: string) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        const req = request(api.base + path, { headers: { ...viewer, "accept-encoding": "gzip" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
        });
        req.on("error", reject);
        req.end();
      });
    const big = await get("/api/targets");
    expect(big.encoding).toBe("gzip");
    expect(JSON.parse(gunzipSync(big.body).toString())).toEqual(await targets());
    const tiny = await get("/api/targets?q=nothing-matches-this");
    expect(tiny.encoding).toBeUndefined();
  });

  it("a change written without a frame shows once the bus reconnects (the fleet is read again)", async () => {
    await api.stack.db.sql`UPDATE target_state SET reason = 'written behind the bus' WHERE name = 'dreamer'`;
    // Still the memory's answer: nothing told this process.
    expect(byName(await targets(), "dreamer")?.reason).not.toBe("written behind the bus");
    const sub = (api.bus as unknown as { sub: Redis }).sub;
    sub.disconnect(true);
    await until(
      "dreamer re-read",
      () => targets(),
      (b) => byName(b, "dreamer")?.reason === "written behind the bus",
    );
    // Subscribed again (a PING answers after the re-subscription) before the next test publishes: frames sent while
    // the subscriber was away are lost by design (the database is the record).
    await until(
      "subscriber back",
      async () => sub.status,
      (s) => s === "ready",
    );
    await sub.ping();
  });
});

describe("[FLEET][WS] snapshots carry the fleet version; a client resumes with what changed since", () => {
  const open = () => connect(api.ws, viewer);

  it("the snapshot carries version and epoch; since=<version> gives a changes frame with only what changed", async () => {
    const first = await open();
    const snap = await first.next((f) => f.type === "snapshot");
    first.close();
    expect(typeof snap.version).toBe("number");
    expect(typeof snap.epoch).toBe("string");

    await published("examiner", { status: "down", reason: "while away" });
    await until(
      "examiner down",
      () => targets(),
      (b) => byName(b, "examiner")?.status === "down",
    );

    const again = await connect(`${api.ws}?since=${snap.version as number}&epoch=${snap.epoch as string}`, viewer);
    const changes = await again.next((f) => f.type === "changes" || f.type === "snapshot");
    expect(changes.type).toBe("changes");
    expect((changes.targets as TargetView[]).map((t) => t.name)).toContain("examiner");
    expect((changes.targets as TargetView[]).length).toBeLessThan(5);
    expect(changes).toMatchObject({ since: snap.version, epoch: snap.epoch, removed: [] });
    expect(changes.version as number).toBeGreaterThan(snap.version as number);

    // Live frames follow on the resumed socket.
    await published("explorer", { status: "warning", reason: "live" });
    await again.next((f) => f.type === "target.update" && (f.targets as TargetView[]).some((t) => t.name === "explorer"));
    again.close();
  });

  it.each([
    ["another process's (or a restarted one's) epoch", (v: number) => `since=${v}&epoch=elsewhere`],
    ["a version from the future", (v: number) => `since=${v + 1000}`],
    ["not a number", () => `since=banana`],
  ])("%s gives a snapshot", async (_what, query) => {
    const first = await open();
    const snap = await first.next((f) => f.type === "snapshot");
    first.close();
    const again = await connect(`${api.ws}?${query(snap.version as number)}`, viewer);
    expect((await again.next((f) => f.type === "changes" || f.type === "snapshot")).type).toBe("snapshot");
    again.close();
  });

  it("a gap too old to be worth it (more changed than a snapshot is large) gives a snapshot", async () => {
    const first = await open();
    const snap = await first.next((f) => f.type === "snapshot");
    first.close();
    const base = byName(await targets(), "coder")!;
    clock += 1000;
    const many = Array.from({ length: 100 }, (_, i) => ({ ...base, name: `extra-${i}`, checkedAt: new Date(clock).toISOString() }));
    await api.bus.publish({ type: "target.update", targets: many });
    await until(
      "100 more targets",
      () => targets(),
      (b) => byName(b, "extra-99") !== undefined,
    );
    const again = await connect(`${api.ws}?since=${snap.version as number}&epoch=${snap.epoch as string}`, viewer);
    const frame = await again.next((f) => f.type === "changes" || f.type === "snapshot");
    expect(frame.type).toBe("snapshot");
    expect((frame.targets as TargetView[]).some((t) => t.name === "extra-99")).toBe(true);
    again.close();
  });
});
