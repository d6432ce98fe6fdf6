import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { randomUUID } from "node:crypto";
import { getBackup, listBackups, stageJob, verifyBackup, writeAudit, type BackupEnv } from "@ops/core";
import { BACKUP_ID, BACKUP_TYPES, CONFIG_KEY, cronPeriodMs, isOverdue } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { errorResponses } from "@ops/contract";

const Backup = z
  .object({
    id: z.string(),
    type: z.enum(BACKUP_TYPES),
    status: z.enum(["running", "succeeded", "failed", "deleted"]),
    trigger: z.string(),
    path: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    size: z.number().nullable(),
    sha256: z.string().nullable(),
    error: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    verifyOk: z.boolean().nullable(),
    verifyDetail: z.string().nullable(),
    manifest: z.unknown(),
  })
  .meta({ id: "Backup" });

const TypeStatus = z
  .object({
    type: z.enum(BACKUP_TYPES),
    enabled: z.boolean(),
    schedule: z.string(),
    nextRunAt: z.string().nullable(),
    retentionDays: z.number(),
    minBackups: z.number(),
    count: z.number().int(),
    totalSize: z.number(),
    running: z.boolean(),
    overdue: z.boolean(),
    lastSuccess: z.object({ id: z.string(), finishedAt: z.string(), size: z.number().nullable() }).nullable(),
    lastFailure: z.object({ id: z.string(), at: z.string(), error: z.string().nullable() }).nullable(),
    lastVerified: z.object({ id: z.string(), at: z.string(), ok: z.boolean() }).nullable(),
    sizes: z.array(z.object({ at: z.string(), size: z.number() })).describe("size of each complete backup, oldest first, for a trend"),
  })
  .meta({ id: "BackupTypeStatus" });

export async function backupRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = deps;
  const env: BackupEnv = { config, databaseUrl: deps.env.DATABASE_URL, redisUrl: deps.env.REDIS_URL };
  const tags = ["backups"];

  r.get(
    "/api/backups",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "Backups, newest first",
        querystring: z.object({ type: z.enum(BACKUP_TYPES).optional(), status: z.enum(["running", "succeeded", "failed", "deleted"]).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ backups: z.array(Backup) }), ...errorResponses },
      },
    },
    async (req) => ({ backups: await listBackups(db, req.query) }),
  );

  r.get(
    "/api/backups/status",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "Per type: last success, next run, verification, retention, overdue, size trend", response: { 200: z.object({ types: z.array(TypeStatus) }), ...errorResponses } },
    },
    async () => {
      const now = Date.now();
      const types = [];
      for (const type of BACKUP_TYPES) {
        const t = config.backup.types[CONFIG_KEY[type]];
        const all = await listBackups(db, { type, limit: 200 });
        const done = all.filter((b) => b.status === "succeeded");
        const lastSuccess = done[0] ?? null;
        const lastFailure = all.find((b) => b.status === "failed") ?? null;
        const lastVerified = done.find((b) => b.verifiedAt !== null) ?? all.find((b) => b.verifiedAt !== null) ?? null;
        const scheduler = await deps.queues.backups.getJobScheduler(`backup-${type}`).catch(() => null);
        types.push({
          type,
          enabled: t.enabled,
          schedule: t.schedule,
          nextRunAt: scheduler?.next ? new Date(scheduler.next).toISOString() : null,
          retentionDays: t.retentionDays,
          minBackups: t.minBackups,
          count: done.length,
          totalSize: done.reduce((n, b) => n + (b.size ?? 0), 0),
          running: all.some((b) => b.status === "running"),
          overdue: t.enabled && isOverdue(lastSuccess?.finishedAt ? Date.parse(lastSuccess.finishedAt) : null, cronPeriodMs(t.schedule), now),
          lastSuccess: lastSuccess ? { id: lastSuccess.id, finishedAt: lastSuccess.finishedAt!, size: lastSuccess.size } : null,
          lastFailure: lastFailure ? { id: lastFailure.id, at: lastFailure.finishedAt ?? lastFailure.startedAt, error: lastFailure.error } : null,
          lastVerified: lastVerified ? { id: lastVerified.id, at: lastVerified.verifiedAt!, ok: lastVerified.verifyOk === true } : null,
          sizes: [...done].reverse().map((b) => ({ at: b.finishedAt!, size: b.size ?? 0 })),
        });
      }
      return { types };
    },
  );

  r.get(
    "/api/backups/:id",
    { config: { auth: "targets:read" }, schema: { tags, summary: "One backup with its manifest", params: z.object({ id: z.string().regex(BACKUP_ID, "must be a backup id like database-20261123-020000-a1b2") }), response: { 200: z.object({ backup: Backup }), ...errorResponses } } },
    async (req) => ({ backup: await getBackup(db, req.params.id) }),
  );

  r.post(
    "/api/backups",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Back up now (a job; it is verified when done). Restores go through the Backup restoration runbook",
        body: z.object({ type: z.enum(BACKUP_TYPES) }),
        response: { 202: z.object({ queued: z.boolean(), type: z.enum(BACKUP_TYPES), jobId: z.string() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      // The job and its audit row commit together; the outbox relay hands the job to a worker when Redis answers.
      const jobId = `backup-manual-${randomUUID()}`;
      await db.sql.begin(async (tx) => {
        await stageJob(tx, "backupRun", { type: req.body.type, trigger: `manual by ${ctx.actor.label}` }, { jobId });
        await writeAudit(tx, ctx, { action: "backup.start", targetType: "backup", targetId: req.body.type, after: { jobId } });
      });
      deps.outbox.kick();
      return reply.code(202).send({ queued: true, type: req.body.type, jobId });
    },
  );

  r.post(
    "/api/backups/:id/verify",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Verify a backup now: checksums, and for databases a restore into a scratch database with row counts compared",
        params: z.object({ id: z.string().regex(BACKUP_ID, "must be a backup id like database-20261123-020000-a1b2") }),
        response: { 200: z.object({ ok: z.boolean(), problems: z.array(z.string()), checks: z.array(z.string()), backup: Backup }), ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const result = await verifyBackup(db, env, await getBackup(db, req.params.id));
      await writeAudit(db.sql, ctx, { action: "backup.verify", targetType: "backup", targetId: req.params.id, after: { ok: result.ok, problems: result.problems } });
      return { ...result, backup: await getBackup(db, req.params.id) };
    },
  );
}
