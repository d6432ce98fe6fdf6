import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { getBackup, listBackups, requestBackup, verifyBackupNow, type BackupEnv } from "@ops/core";
import { BACKUP_TYPES, CONFIG_KEY, cronPeriodMs, isOverdue } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import {
  BackupDetail,
  BackupList,
  BackupNowBody,
  BackupParams,
  BackupsQuery,
  BackupStatusList,
  BackupVerification,
  errorResponses,
  QueuedBackup,
  type BackupTypeStatus,
} from "@ops/contract";

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
        querystring: BackupsQuery,
        response: { 200: BackupList, ...errorResponses },
      },
    },
    async (req) => ({ backups: await listBackups(db, req.query) }),
  );

  r.get(
    "/api/backups/status",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "Per type: last success, next run, verification, retention, overdue, size trend",
        response: { 200: BackupStatusList, ...errorResponses },
      },
    },
    async () => {
      const now = Date.now();
      const types: BackupTypeStatus[] = [];
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
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "One backup with its manifest", params: BackupParams, response: { 200: BackupDetail, ...errorResponses } },
    },
    async (req) => ({ backup: await getBackup(db, req.params.id) }),
  );

  r.post(
    "/api/backups",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Back up now (a job; it is verified when done). Restores go through the Backup restoration runbook",
        body: BackupNowBody,
        response: { 202: QueuedBackup, ...errorResponses },
      },
    },
    async (req, reply) => {
      const queued = await requestBackup(db, ctxOf(req), req.body.type);
      deps.outbox.kick();
      return reply.code(202).send(queued);
    },
  );

  r.post(
    "/api/backups/:id/verify",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Verify a backup now: checksums, and for databases a restore into a scratch database with row counts compared",
        params: BackupParams,
        response: { 200: BackupVerification, ...errorResponses },
      },
    },
    async (req) => verifyBackupNow(db, env, ctxOf(req), req.params.id),
  );
}
