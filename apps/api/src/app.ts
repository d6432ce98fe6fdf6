import fastifyCompress from "@fastify/compress";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { OutboxRelay, ServiceError } from "@ops/core";
import { findBadText } from "@ops/domain";
import type { ApiDeps } from "./deps.ts";
import { FleetState } from "./fleet/state.ts";
import { eventRoutes } from "./modules/events/routes.ts";
import { systemRoutes } from "./modules/system/routes.ts";
import { targetRoutes } from "./modules/targets/routes.ts";
import { alertRoutes } from "./modules/alerts/routes.ts";
import { auditRoutes } from "./modules/audit/routes.ts";
import { doctorRoutes } from "./modules/doctor/routes.ts";
import { configVersionRoutes } from "./modules/config-versions/routes.ts";
import { healingRoutes } from "./modules/healing/routes.ts";
import { incidentRoutes } from "./modules/incidents/routes.ts";
import { sloRoutes } from "./modules/slo/routes.ts";
import { deliveryRoutes } from "./modules/delivery/routes.ts";
import { runbookRoutes } from "./modules/runbooks/routes.ts";
import { learningRoutes } from "./modules/learnings/routes.ts";
import { governanceRoutes } from "./modules/governance/routes.ts";
import { backupRoutes } from "./modules/backups/routes.ts";
import { authRoutes } from "./modules/auth/routes.ts";
import { tokenRoutes } from "./modules/tokens/routes.ts";
import { userRoutes } from "./modules/users/routes.ts";
import { metricsRoutes } from "./modules/metrics/routes.ts";
import { registerAuth } from "./plugins/auth.ts";
import { registerIdempotency } from "./plugins/idempotency.ts";
import { registerDependencyGate } from "./plugins/dependency-gate.ts";
import { frameworkErrors, installErrorHandler } from "./plugins/error-handler.ts";
import { registerJsonBody } from "./plugins/json-body.ts";
import { registerSecurityHeaders } from "./plugins/security-headers.ts";
import { MAX_FRAME_BYTES, registerLive } from "./plugins/live.ts";
import { isDashboardRoute, registerDashboard } from "./plugins/static.ts";

export type BuildOptions = {
  logger?: boolean | { level: string; stream?: { write: (line: string) => void } };
  webDist?: string | undefined;
};

export async function buildApp(base: Omit<ApiDeps, "outbox" | "fleet">, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const outbox = new OutboxRelay(base.db.sql, base.queues, (msg) => app.log.warn(msg));
  const fleet = new FleetState(base, (msg, err) => app.log.warn({ err }, msg));
  const deps: ApiDeps = { ...base, outbox, fleet };
  const app = Fastify({
    logger: opts.logger ?? { level: deps.env.LOG_LEVEL },
    bodyLimit: 256 * 1024,
    requestTimeout: 30_000,
    genReqId: () => crypto.randomUUID(),
    trustProxy: deps.env.OPS_TRUST_PROXY,
    frameworkErrors,
  });
  // Work staged by requests (runs, backups, proposal closes, restarts) reaches Redis through this relay.
  app.addHook("onReady", async () => outbox.start());
  app.addHook("onClose", async () => outbox.stop());
  // Subscribed before /ws is, so a frame reaches the fleet before any socket: a snapshot is never behind what was sent.
  await fleet.start();
  app.addHook("onClose", async () => fleet.stop());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerSecurityHeaders(app);
  // Before auth: a request that needs PostgreSQL while it is away is answered 503 before anything asks it.
  await registerDependencyGate(app, deps);
  registerJsonBody(app);
  // gzip (or deflate) when the client asks, for bodies of 1 KiB and more; the WebSocket upgrade is never compressed.
  // No brotli: at quality 4 it took 3–20× gzip's CPU on the 4.4 MB fleet list for 8 % fewer bytes.
  await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ["gzip", "deflate"] });
  // Before auth: its onRequest hook marks upgrade requests, so a refused handshake's socket is closed.
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  await registerAuth(app, deps);
  registerIdempotency(app, deps);
  // One text rule at the edge: no NUL and no lone surrogate in any param, query or body string (400 naming the field).
  app.addHook("preValidation", async (req) => {
    for (const [where, value] of [
      ["params", req.params],
      ["query", req.query],
      ["body", req.body],
    ] as const) {
      const bad = findBadText(value);
      if (bad) throw new ServiceError("VALIDATION", `${where} ${bad.field}: ${bad.message}`, bad.field);
    }
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "OpenClaw Ops API",
        version: "0.1.0",
        description: "Operations console for the OpenClaw collective. Errors share one shape: { statusCode, code, message, field?, requestId }.",
      },
      servers: [{ url: "/" }],
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "ops_session", description: "set by POST /api/auth/login" },
          token: { type: "http", scheme: "bearer", description: "an API token (oco_…) from POST /api/tokens" },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs" });

  const hasDashboard = await registerDashboard(app, opts.webDist);
  installErrorHandler(app, { spaFallback: hasDashboard ? isDashboardRoute : undefined });

  await systemRoutes(app, deps);
  await targetRoutes(app, deps);
  await eventRoutes(app, deps);
  await authRoutes(app, deps);
  await userRoutes(app, deps);
  await tokenRoutes(app, deps);
  await auditRoutes(app, deps);
  await healingRoutes(app, deps);
  await incidentRoutes(app, deps);
  await sloRoutes(app, deps);
  await deliveryRoutes(app, deps);
  await runbookRoutes(app, deps);
  await learningRoutes(app, deps);
  await governanceRoutes(app, deps);
  await backupRoutes(app, deps);
  await alertRoutes(app, deps);
  await doctorRoutes(app, deps);
  await configVersionRoutes(app, deps);
  await metricsRoutes(app, deps);
  await registerLive(app, deps);
  app.get("/api/openapi.json", { config: { auth: "targets:read" }, schema: { hide: true } }, async () => app.swagger());
  return app;
}
