import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { effectiveThresholds, updateThresholds, withTimeout } from "@ops/core";
import { fleetFileLabel } from "@ops/config";
import { monitoringPolicy } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { Liveness, MonitoringSettings, MonitoringStatus, Readiness, ReadinessQuery, ThresholdsBody, ThresholdsResponse, errorResponses } from "@ops/contract";
import { WatchMonitor } from "./watch.ts";

/** The console's own probes, shaped like a gateway's: liveness says the process runs, readiness checks its dependencies. */
export async function systemRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get("/healthz", { config: { auth: "public" }, schema: { tags: ["system"], response: { 200: Liveness } } }, async () => ({ ok: true, status: "live" }));
  const watch = new WatchMonitor(deps);
  watch.start();
  app.addHook("onClose", async () => watch.stop());

  r.get(
    "/readyz",
    {
      config: { auth: "public" },
      schema: {
        tags: ["system"],
        summary: "Ready: PostgreSQL and Redis answer within 1 s, and probing goes on (every shard reported within two intervals)",
        description:
          "?scope=api checks only what serving requests needs (PostgreSQL, Redis): for a load balancer, which should keep sending people to the dashboard that shows the stall.",
        querystring: ReadinessQuery,
        response: { 200: Readiness, 503: Readiness },
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
      schema: {
        tags: ["system"],
        summary: "Is the console still probing? The newest probe result per shard, judged every few seconds",
        response: { 200: MonitoringStatus, ...errorResponses },
      },
    },
    async () => watch.current(),
  );

  r.get(
    "/api/monitoring",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["system"],
        summary: "Probe interval, heartbeat timeout, and the thresholds in force (monitoring-config.json with run-time changes on top)",
        response: { 200: MonitoringSettings },
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
        fleetFile: fleetFileLabel(deps.config.dir),
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
        body: ThresholdsBody,
        response: { 200: ThresholdsResponse, ...errorResponses },
      },
    },
    async (req) => ({ thresholds: await updateThresholds(deps.db, deps.config, ctxOf(req), req.body) }),
  );
}
