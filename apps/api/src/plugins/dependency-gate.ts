import type { FastifyInstance } from "fastify";
import { isConnectionError, withTimeout } from "@ops/core";
import { createPgProbe } from "@ops/db";
import type { ApiDeps } from "../deps.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** PostgreSQL as the gate sees it: check() asks now (shared with a probe in flight). */
    postgresGate: { check: () => Promise<void>; downSince: () => number | null; lastError: () => string };
  }
}

const PROBE_EVERY_MS = 500;
const PROBE_TIMEOUT_MS = 1000;
// Liveness and readiness answer for themselves; the dashboard's files need no database.
const UNGATED = new Set(["/healthz", "/readyz"]);

/**
 * Fail fast while PostgreSQL is away: one small connection asks it every half second; while it does not
 * answer, requests that need it get 503 DEPENDENCY_DOWN at once instead of queueing behind connection
 * attempts. Nothing is attempted, so nothing is committed: a 503 is always safe to retry.
 */
export async function registerDependencyGate(app: FastifyInstance, deps: Pick<ApiDeps, "env">): Promise<void> {
  const probe = createPgProbe(deps.env.DATABASE_URL, "openclaw-ops-api-gate");
  let downSince: number | null = null;
  let lastError = "";
  let running: Promise<void> | null = null;
  const check = (): Promise<void> => (running ??= probeOnce().finally(() => (running = null)));
  const probeOnce = async () => {
    try {
      await withTimeout(PROBE_TIMEOUT_MS, probe`SELECT 1`, "PostgreSQL");
      if (downSince !== null) app.log.warn(`PostgreSQL answers again after ${Math.round((Date.now() - downSince) / 1000)} s`);
      downSince = null;
    } catch (err) {
      lastError = (err as Error).message;
      if (downSince === null) app.log.error(`PostgreSQL does not answer (${lastError}): requests that need it get 503 until it does`);
      downSince ??= Date.now();
    }
  };
  app.decorate("postgresGate", { check, downSince: () => downSince, lastError: () => lastError });
  const timer = setInterval(() => void check(), PROBE_EVERY_MS);
  timer.unref();
  app.addHook("onClose", async () => {
    clearInterval(timer);
    await probe.end({ timeout: 1 });
  });

  // A request that just failed on a dead connection closes the gate at once; the next probe opens it again if that was wrong.
  app.addHook("onError", async (_req, _reply, err: Error & { code?: string }) => {
    if (downSince === null && isConnectionError(err)) {
      lastError = err.message;
      downSince = Date.now();
      app.log.error(`PostgreSQL connection failed (${err.message}): requests that need it get 503 until it answers`);
    }
  });

  app.addHook("onRequest", async (req, reply) => {
    if (downSince === null) return;
    const url = req.url.split("?")[0]!;
    if (UNGATED.has(url) || !(url.startsWith("/api") || url === "/ws")) return;
    return reply
      .code(503)
      .header("retry-after", "5")
      .send({
        statusCode: 503,
        code: "DEPENDENCY_DOWN",
        message: `PostgreSQL is unavailable (since ${new Date(downSince).toISOString()}: ${lastError}); nothing was done, retry shortly`,
        requestId: req.id,
      });
  });
}
