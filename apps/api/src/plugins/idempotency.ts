import type { FastifyInstance, FastifyRequest } from "fastify";
import { ServiceError, claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey, requestHash } from "@ops/core";
import type { ApiDeps } from "../deps.ts";

declare module "fastify" {
  interface FastifyRequest {
    idempotency: { caller: string; key: string } | null;
  }
}

const KEY = /^[\x21-\x7e]{8,200}$/;
// Signing in and out are not resources: a key there would replay a session cookie.
const EXEMPT = new Set(["/api/auth/login", "/api/auth/logout", "/api/auth/password"]);

/**
 * Idempotency-Key on creating requests (POST): the first answer for a caller's key is kept for 24 h and
 * replayed to a retry (with Idempotent-Replayed: true), so a client that gave up and tried again creates
 * nothing twice. A 5xx answer commits nothing and releases the key. Reuse with another request is refused.
 * If the answer could not be stored after the change committed, the request's audit row (same request id,
 * same transaction as the change) still tells a retry that it was carried out: 409, never a second run.
 */
export function registerIdempotency(app: FastifyInstance, deps: Pick<ApiDeps, "db">): void {
  app.decorateRequest("idempotency", null);

  app.addHook("preHandler", async (req: FastifyRequest, reply) => {
    const header = req.headers["idempotency-key"];
    if (header === undefined || req.method !== "POST" || !req.ctx || EXEMPT.has(req.routeOptions.url ?? "")) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY.test(key)) {
      throw new ServiceError("VALIDATION", "Idempotency-Key: must be 8–200 visible ASCII characters (a UUID is a good key)", "Idempotency-Key");
    }
    const actor = req.ctx.actor;
    const caller = `${actor.type}:${actor.id ?? actor.label}`;
    const path = req.url.split("?")[0]!;
    const claim = await claimIdempotencyKey(deps.db.sql, {
      caller,
      key,
      method: req.method,
      path,
      hash: requestHash(req.method, path, req.body),
      requestId: req.id,
    });
    if (claim.kind === "new") {
      req.idempotency = { caller, key };
      return;
    }
    if (claim.kind === "mismatch") {
      throw new ServiceError(
        "RULE_VIOLATION",
        `Idempotency-Key: this key was used for another request (${claim.method} ${claim.path} with another body); use a new key for a new request`,
        "Idempotency-Key",
      );
    }
    if (claim.kind === "in-progress") {
      throw new ServiceError("CONFLICT", "Idempotency-Key: the first request with this key is still being answered; retry in a moment", "Idempotency-Key");
    }
    if (claim.kind === "carried-out") {
      const what = `${claim.action} (${claim.targetType}${claim.targetId ? ` ${claim.targetId}` : ""})`;
      throw new ServiceError(
        "CONFLICT",
        `Idempotency-Key: the first request with this key was carried out: ${what}, but its answer was lost; do not retry it, look the result up instead`,
        "Idempotency-Key",
      );
    }
    return reply.code(claim.statusCode).header("idempotent-replayed", "true").send(claim.response);
  });

  app.addHook("onSend", async (req, reply, payload) => {
    const idem = req.idempotency;
    if (!idem) return payload;
    req.idempotency = null;
    try {
      if (reply.statusCode >= 500) await releaseIdempotencyKey(deps.db.sql, idem.caller, idem.key);
      else await completeIdempotencyKey(deps.db.sql, idem.caller, idem.key, reply.statusCode, typeof payload === "string" ? JSON.parse(payload) : null);
    } catch (err) {
      // PostgreSQL went away after the answer was decided: the claim lapses after its lease and a retry runs again.
      req.log.warn({ err }, "could not store the answer for an Idempotency-Key");
    }
    return payload;
  });
}
