import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { effectiveThresholds, updateThresholds, withTimeout } from "@ops/core";
import { monitoringPolicy } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { ThresholdValue, errorResponses } from "@ops/contract";
import { WatchMonitor } from "./watch.ts";

/** The console's own probes, shaped like a gateway's: liveness says the process runs, readiness checks its dependencies. */
export async function systemRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/healthz",
    { config: { auth: "public" }, schema: { tags: ["system"], response: { 200: z.object({ ok: z.boolean(), status: z.string() }) } } },
    async () => ({ ok: true, status: "live" }),
  );
  const watch = new WatchMonitor(deps);
  watch.start();
  app.addHook("onClose", async () => watch.stop());

  const Watch = z
    .object({
      state: z.enum(["watching", "stalled", "idle", "unknown"]),
      since: z.string().nullable().describe("when stalled: the newest probe result of the longest-stalled shard"),
      reason: z.string(),
      limitSeconds: z.number().describe("a shard is stalled when its newest result is older than this: two intervals, at least 10 s"),
      judgedAt: z.string().nullable(),
      shards: z.array(z.object({ shard: z.number().int(), targets: z.number().int(), newestAt: z.string().nullable(), ageSeconds: z.number(), stalled: z.boolean() })),
    })
    .meta({ id: "MonitoringStatus" });
  const Ready = z.object({
    ready: z.boolean(),
    failing: z.array(z.string()),
    reasons: z.record(z.string(), z.string()).optional(),
    monitoring: z.object({ state: Watch.shape.state, since: z.string().nullable(), reason: z.string() }),
  });
  r.get(
    "/readyz",
    {
      config: { auth: "public" },
      schema: {
        tags: ["system"],
        summary: "Ready: PostgreSQL and Redis answer within 1 s, and probing goes on (every shard reported within two intervals)",
        description: "?scope=api checks only what serving requests needs (PostgreSQL, Redis): for a load balancer, which should keep sending people to the dashboard that shows the stall.",
        querystring: z.object({ scope: z.enum(["all", "api"]).default("all") }),
        response: { 200: Ready, 503: Ready },
      },
    },
    async (req, reply) => {
      const reasons: Record<string, string> = {};
      // PostgreSQL as the request gate sees it (asked now), so ready means requests are let through.
      const gate = app.postgresGate;
      await Promise.all([gate.check(), withTimeout(1000, deps.redis.ping(), "Redis").catch((err: Error) => (reasons.redis = `Redis: ${err.message}`))]);
      if (gate.downSince() !== null) reasons.postgres = `PostgreSQL: ${gate.lastError()}`;
      const w = watch.current();
      if (req.query.scope === "all" && (w.state === "stalled" || w.state === "unknown")) reasons.monitoring = w.reason;
      const failing = Object.keys(reasons);
      return reply.code(failing.length ? 503 : 200).send({
        ready: failing.length === 0,
        failing,
        ...(failing.length ? { reasons } : {}),
        monitoring: { state: w.state, since: w.since, reason: w.reason },
      });
    },
  );

  r.get(
    "/api/monitoring/status",
    {
      config: { auth: "targets:read" },
      schema: { tags: ["system"], summary: "Is the console still probing? The newest probe result per shard, judged every few seconds", response: { 200: Watch, ...errorResponses } },
    },
    async () => watch.current(),
  );

  const Level = z.object({ warning: z.number(), critical: z.number() });
  const LevelInput = z.object({ warning: ThresholdValue, critical: ThresholdValue });
  r.get(
    "/api/monitoring",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["system"],
        summary: "Probe interval, heartbeat timeout, and the thresholds in force (monitoring-config.json with run-time changes on top)",
        response: {
          200: z.object({
            intervalSeconds: z.number(),
            timeoutMs: z.number(),
            heartbeatTimeoutSeconds: z.number(),
            samplesRetentionDays: z.number(),
            thresholds: z.object({ cpuPercent: Level, memoryPercent: Level, diskPercent: Level, responseTimeMs: Level }),
            selfHealing: z
              .object({ backoffSeconds: z.array(z.number()), maxRestartsInWindow: z.number().int(), restartWindowSeconds: z.number(), escalateAfterMinutes: z.number() })
              .describe("the ladder's numbers: crashes allowed in the window before escalation, the backoff steps"),
            policy: z
              .object({ intervalMs: z.number(), timeoutMs: z.number(), staleAfterMs: z.number(), heartbeatTimeoutMs: z.number(), shardSize: z.number().int() })
              .describe("the numbers every process derives from the config: a probe result older than staleAfterMs means probing is stuck (two intervals, at least 10 s)"),
          }),
        },
      },
    },
    async () => {
      const m = deps.config.monitoring;
      return {
        intervalSeconds: m.healthCheck.intervalSeconds,
        timeoutMs: m.healthCheck.timeoutMs,
        heartbeatTimeoutSeconds: m.heartbeatTimeoutSeconds,
        samplesRetentionDays: m.retention.samplesDays,
        thresholds: await effectiveThresholds(deps.db.sql, deps.config),
        selfHealing: {
          backoffSeconds: m.selfHealing.backoffSeconds,
          maxRestartsInWindow: m.selfHealing.maxRestartsInWindow,
          restartWindowSeconds: m.selfHealing.restartWindowSeconds,
          escalateAfterMinutes: m.selfHealing.escalateAfterMinutes,
        },
        policy: monitoringPolicy(m),
      };
    },
  );

  r.put(
    "/api/settings/thresholds",
    {
      config: { auth: "config:write" },
      schema: {
        tags: ["system"],
        summary: "Change the monitoring thresholds at run time (admins; a passed proposal does the same through the same path)",
        body: z.object({ cpuPercent: LevelInput, memoryPercent: LevelInput, diskPercent: LevelInput, responseTimeMs: LevelInput }).strict(),
        response: { 200: z.object({ thresholds: z.object({ cpuPercent: Level, memoryPercent: Level, diskPercent: Level, responseTimeMs: Level }) }), ...errorResponses },
      },
    },
    async (req) => ({ thresholds: await updateThresholds(deps.db, deps.config, ctxOf(req), req.body) }),
  );
}
