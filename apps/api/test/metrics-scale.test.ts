import { get } from "node:http";
import { loadavg } from "node:os";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

/**
 * GET /metrics at 10,000 targets with a store that has history (50,000 alert deliveries, 20,000 restarts, 5,000
 * diagnoses, 2,000 incidents): the time of a scrape that reads PostgreSQL and Redis (cold) and of one within the
 * 5 s cache (warm), and the body's size, printed beside the goals (the product's 2 s answer bound; a body Prometheus
 * takes in well under its default 10 s scrape timeout).
 */
const TARGETS = 10_000;
const GOAL_COLD_MS = 2_000;

let api: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  api = await startApi({
    fleet: (f) => {
      f.targets = [
        ...f.targets,
        ...(Array.from({ length: TARGETS }, (_, i) => ({
          name: `svc-${String(i).padStart(5, "0")}`,
          kind: "service",
          check: "http",
          baseUrl: `http://127.0.0.1:9/t/${i}`,
          probes: { live: "/healthz" },
          restart: { driver: "none" },
          enabled: true,
        })) as never[]),
      ];
    },
  });
  const sql = api.stack.db.sql;
  await sql`INSERT INTO alerts (target, kind, level, channel, status, title, message)
    SELECT 'svc-' || lpad((g % ${TARGETS})::text, 5, '0'), 'down', 'error', (ARRAY['webhook','email','slack'])[1 + g % 3],
      (ARRAY['sent','sent','sent','failed','suppressed'])[1 + g % 5], 't', 'm' FROM generate_series(1, 50000) g`;
  await sql`INSERT INTO restarts (target, attempt_key, attempt, kind, driver, status, reason, due_at)
    SELECT 'svc-' || lpad((g % ${TARGETS})::text, 5, '0'), 'scale-' || g, 1, 'restart', 'none',
      (ARRAY['healthy','healthy','failed','timed-out'])[1 + g % 4], 'scale', now() FROM generate_series(1, 20000) g`;
  await sql`INSERT INTO diagnoses (target, evidence, outcome)
    SELECT 'svc-' || lpad((g % ${TARGETS})::text, 5, '0'), 'e', (ARRAY['no-match','unsure','not-fixed'])[1 + g % 3] FROM generate_series(1, 5000) g`;
  await sql`INSERT INTO incidents (severity, title, source, started_at, detected_at, resolved_at, status)
    SELECT (ARRAY['P1','P2','P3','P4'])[1 + g % 4], 'scale ' || g, 'manual', now(), now(), CASE WHEN g % 10 = 0 THEN NULL ELSE now() END,
      CASE WHEN g % 10 = 0 THEN 'open' ELSE 'resolved' END FROM generate_series(1, 2000) g`;
  await sql`ANALYZE`;
}, 300_000);
afterAll(async () => {
  await api?.close();
});

/** node:http, not fetch: fetch would gunzip the body and hide the bytes on the wire. */
function timedScrape(encoding: string): Promise<{ ms: number; bytes: number; encoding: string; text: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get(`${api.base}/metrics`, { headers: { "accept-encoding": encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        const enc = res.headers["content-encoding"] ?? "identity";
        if (res.statusCode !== 200) return reject(new Error(`GET /metrics answered ${res.statusCode}`));
        resolve({ ms: performance.now() - t0, bytes: body.length, encoding: enc, text: (enc === "gzip" ? gunzipSync(body) : body).toString("utf8") });
      });
    }).on("error", reject);
  });
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe(`GET /metrics at ${TARGETS} targets`, () => {
  it("scrape time and size, printed beside the goals", async () => {
    const cold = await timedScrape("identity");
    const text = cold.text;
    expect(text.match(/^openclaw_ops_target_status\{/gm)?.length).toBe(api.config.fleet.targets.length);
    const warm: number[] = [];
    for (let i = 0; i < 10; i++) warm.push((await timedScrape("identity")).ms);
    const gz = await timedScrape("gzip");
    expect(gz.encoding).toBe("gzip");
    expect(gz.bytes).toBeLessThan(cold.bytes / 3);
    expect(gz.text.length).toBeGreaterThan(text.length * 0.9);
    await new Promise((r) => setTimeout(r, 5_100));
    const cold2 = await timedScrape("gzip");
    const read = Number(/^openclaw_ops_metrics_read_seconds (\S+)$/m.exec(cold2.text)?.[1]);
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(", ");
    const lines = [
      `GET /metrics at ${api.config.fleet.targets.length} targets (machine shared with other helpers' builds and tests; load average ${load})`,
      `  first scrape (reads PostgreSQL, Redis, SLOs)   ${cold.ms.toFixed(0)} ms    goal < ${GOAL_COLD_MS} ms`,
      `  scrape after the 5 s cache expired (gzip)      ${cold2.ms.toFixed(0)} ms    (of which the PostgreSQL/Redis/SLO read ${(read * 1000).toFixed(0)} ms)`,
      `  scrape within the cache, p50 of 10             ${p50(warm).toFixed(0)} ms`,
      `  body                                           ${(cold.bytes / 1024).toFixed(0)} KB identity, ${(gz.bytes / 1024).toFixed(0)} KB gzip`,
      `  lines                                          ${text.split("\n").length - 1}`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
    expect(cold.ms).toBeLessThan(GOAL_COLD_MS);
    expect(cold2.ms).toBeLessThan(GOAL_COLD_MS);
  }, 120_000);
});
