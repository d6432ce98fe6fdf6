import { BlockList, isIP } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  EXPOSITION_CONTENT_TYPE,
  ProcessMetrics,
  databaseFamilies,
  fleetFamilies,
  listSlos,
  recordSecurityEvent,
  redisFamilies,
  renderExposition,
  resolveApiToken,
  resolveSession,
  sloFamilies,
  withTimeout,
  type MetricFamily,
} from "@ops/core";
import { can } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { SESSION_COOKIE, bearerOf, clientMeta, sessionPolicy } from "../../plugins/auth.ts";

/** How long the PostgreSQL and Redis series are reused: scrapes from several Prometheus servers cost one read. */
export const METRICS_CACHE_MS = 5_000;
/** A source that does not answer within this is reported down (openclaw_ops_metrics_source_up 0), not waited for. */
const SOURCE_TIMEOUT_MS = 1_500;

/** OPS_METRICS_ALLOW as a BlockList; an IPv4-mapped IPv6 peer (::ffff:127.0.0.1) is matched as its IPv4 address. */
export function metricsAllowList(entries: readonly string[]): (ip: string | undefined) => boolean {
  const list = new BlockList();
  for (const e of entries) {
    const [addr = "", bits] = e.split("/");
    const type = isIP(addr) === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (ip) => {
    if (!ip) return false;
    const plain = ip.toLowerCase().startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
  };
}

type Source = { name: string; read: () => Promise<MetricFamily[]> };

/**
 * GET /metrics: the console's own series in the Prometheus text format. Readable from an address in
 * OPS_METRICS_ALLOW (default: loopback) without credentials, otherwise with an API token or session whose roles
 * grant targets:read (every role: what the series say, the board already shows a viewer).
 */
export async function metricsRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const addressAllowed = metricsAllowList(deps.env.OPS_METRICS_ALLOW);
  const processMetrics = new ProcessMetrics("api");
  app.addHook("onClose", async () => processMetrics.stop());

  const sources: Source[] = [
    { name: "postgres", read: () => databaseFamilies(deps.db) },
    { name: "redis", read: () => redisFamilies(deps.redis, deps.queues, deps.env.OPS_REDIS_PREFIX) },
    // Apart from "postgres" so an SLO read that takes too long leaves out only the SLO series.
    { name: "slo", read: async () => sloFamilies(await listSlos(deps.db)) },
  ];
  let cached: { at: number; families: Promise<MetricFamily[]> } | null = null;
  let fleetRendered: { version: number; text: string } | null = null;
  const shared = (): Promise<MetricFamily[]> => {
    if (cached && Date.now() - cached.at < METRICS_CACHE_MS) return cached.families;
    const started = performance.now();
    const families = Promise.all(
      sources.map(async (s) => {
        try {
          return { name: s.name, up: true, families: await withTimeout(SOURCE_TIMEOUT_MS, s.read(), `metrics from ${s.name}`) };
        } catch (err) {
          app.log.warn({ err }, `GET /metrics: ${s.name} series left out`);
          return { name: s.name, up: false, families: [] as MetricFamily[] };
        }
      }),
    ).then((read) => [
      ...read.flatMap((r) => r.families),
      {
        name: "openclaw_ops_metrics_source_up",
        type: "gauge" as const,
        help: "Whether the last read of a source's series succeeded (0: its series are missing from this scrape).",
        samples: read.map((r) => ({ labels: { source: r.name }, value: r.up ? 1 : 0 })),
      },
      {
        name: "openclaw_ops_metrics_read_seconds",
        type: "gauge" as const,
        help: `How long reading the PostgreSQL, Redis and SLO series took (reused for ${METRICS_CACHE_MS / 1000} s).`,
        samples: [{ value: (performance.now() - started) / 1000 }],
      },
    ]);
    cached = { at: Date.now(), families };
    return families;
  };

  const deny = async (req: FastifyRequest, reply: FastifyReply, status: 401 | 403, detail: string, actorId: string | null) => {
    await recordSecurityEvent(deps.db.sql, {
      kind: status === 401 ? "auth.unauthenticated" : "auth.forbidden",
      actorId,
      ...clientMeta(req),
      route: "GET /metrics",
      detail,
    }).catch((err: unknown) => req.log.error({ err }, "could not record a security event"));
    const code = status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN";
    const message =
      status === 401
        ? "GET /metrics needs an API token (Authorization: Bearer …) or a session, or a source address in OPS_METRICS_ALLOW"
        : "not allowed: GET /metrics needs targets:read (any role: viewer, oncall, governance or admin)";
    return reply.code(status).send({ statusCode: status, code, message, requestId: req.id });
  };

  app.get(
    "/metrics",
    {
      config: { auth: "public" },
      schema: {
        tags: ["system"],
        summary: "The console's own metrics in the Prometheus text format 0.0.4 (docs/metrics.md)",
        description: "From an address in OPS_METRICS_ALLOW (default loopback) without credentials; otherwise an API token or session with targets:read.",
      },
    },
    async (req, reply) => {
      if (!addressAllowed(req.ip)) {
        const bearer = bearerOf(req);
        const cookie = req.cookies[SESSION_COOKIE];
        let roles: Parameters<typeof can>[0] | null = null;
        let actorId: string | null = null;
        if (bearer) {
          const actor = await resolveApiToken(deps.db, bearer);
          if (actor) ({ roles, id: actorId } = actor);
        } else if (cookie) {
          const session = await resolveSession(deps.db, cookie, sessionPolicy(deps));
          if (session) {
            roles = session.roles;
            actorId = session.user.id;
          }
        }
        if (!roles) return deny(req, reply, 401, `no valid token or session from ${req.ip}`, null);
        if (!can(roles, "targets:read")) return deny(req, reply, 403, "needs targets:read", actorId);
      }
      const [fromSources, fleetText] = await Promise.all([
        shared(),
        withTimeout(SOURCE_TIMEOUT_MS, deps.fleet.current(), "the fleet").then(
          (f) => {
            // 10,000 targets are 10,000 lines: rendered once per fleet version, not per scrape.
            if (fleetRendered?.version !== f.version) fleetRendered = { version: f.version, text: renderExposition(fleetFamilies(f.targets)) };
            return fleetRendered.text;
          },
          (err: unknown) => (req.log.warn({ err }, "GET /metrics: target series left out"), ""),
        ),
      ]);
      const viewers: MetricFamily = {
        name: "openclaw_ops_websocket_viewers",
        type: "gauge",
        help: "Open /ws connections on this API process (dashboards watching live).",
        samples: [{ value: app.websocketServer?.clients.size ?? 0 }],
      };
      return reply
        .type(EXPOSITION_CONTENT_TYPE)
        .header("cache-control", "no-store")
        .send(fleetText + renderExposition([...fromSources, viewers, ...processMetrics.families()]));
    },
  );
}
