import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { effectiveThresholds, updateThresholds } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { ThresholdValue, errorResponses } from "../../schemas.ts";

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The console's own probes, shaped like a gateway's: liveness says the process runs, readiness checks its dependencies. */
export async function systemRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/healthz",
    { config: { auth: "public" }, schema: { tags: ["system"], response: { 200: z.object({ ok: z.boolean(), status: z.string() }) } } },
    async () => ({ ok: true, status: "live" }),
  );
  r.get(
    "/readyz",
    {
      config: { auth: "public" },
      schema: {
        tags: ["system"],
        response: {
          200: z.object({ ready: z.boolean(), failing: z.array(z.string()) }),
          503: z.object({ ready: z.boolean(), failing: z.array(z.string()) }),
        },
      },
    },
    async (_req, reply) => {
      const failing: string[] = [];
      await within(2000, deps.db.sql`SELECT 1`).catch(() => failing.push("postgres"));
      await within(2000, deps.redis.ping()).catch(() => failing.push("redis"));
      return reply.code(failing.length ? 503 : 200).send({ ready: failing.length === 0, failing });
    },
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
