import fastifyCookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { consoleOrigins } from "@ops/config";
import { recordSecurityEvent, resolveApiToken, resolveSession, type Actor, type RequestContext, type SessionIdentity } from "@ops/core";
import { can, rolesGranting, type Permission } from "@ops/domain";
import type { ApiDeps } from "../deps.ts";

/** Who may call a route: anyone, any signed-in caller, or holders of a permission. Every route says one. */
export type Access = "public" | "authenticated" | Permission;

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: Access;
  }
  interface FastifyRequest {
    ctx: RequestContext | null;
    session: SessionIdentity | null;
  }
}

export const SESSION_COOKIE = "ops_session";

/** How long a resolved session or API token is believed without asking PostgreSQL again. */
export const AUTH_CACHE_MS = 5_000;

/**
 * Resolved credentials for a few seconds, so a busy board's requests do not each cost a lookup. An entry belongs
 * to owners (the user, the token) and is dropped when a `session.revoked` / `token.revoked` frame names one, or when
 * this process changes identities itself (login, logout, users, tokens); it never outlives the credential's own expiry.
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, { value: T; until: number; owners: readonly string[] }>();
  constructor(
    private readonly ttlMs = AUTH_CACHE_MS,
    private readonly max = 10_000,
  ) {}

  get(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until > now) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, owners: readonly string[], expiresAt: number | null, now = Date.now()): void {
    const until = Math.min(now + this.ttlMs, expiresAt ?? Infinity);
    if (until <= now) return;
    if (this.entries.size >= this.max && !this.entries.has(key)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until, owners });
  }

  dropOwner(owner: string): void {
    for (const [key, e] of this.entries) if (e.owners.includes(owner)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const IDENTITY_ROUTES = /^\/api\/(auth|users|tokens)(\/|$)/;

export type RouteRule = { method: string; url: string; auth: Access };
const routeTables = new WeakMap<FastifyInstance, RouteRule[]>();

/** Every route with its access rule, as registered: what the access matrix test walks. */
export function routeTable(app: FastifyInstance): RouteRule[] {
  return routeTables.get(app) ?? [];
}
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// What a user holding a temporary password may do: find out who they are, change it, or leave.
const PASSWORD_CHANGE_ROUTES = new Set(["/api/auth/me", "/api/auth/password", "/api/auth/logout"]);

export function sessionPolicy(deps: ApiDeps) {
  return { idleTimeoutMs: deps.env.OPS_SESSION_IDLE_MINUTES * 60_000, absoluteTimeoutMs: deps.env.OPS_SESSION_MAX_HOURS * 3_600_000 };
}

/**
 * The console's own origins, from configuration and the port this process really listens on (tests and a PORT of 0
 * pick it at listen time); never from the request's Host header, which a DNS-rebinding page chooses.
 */
function allowedOrigins(app: FastifyInstance, deps: ApiDeps): () => ReadonlySet<string> {
  let built: { port: number; origins: ReadonlySet<string> } | null = null;
  return () => {
    const address = app.server.address();
    const port = address && typeof address === "object" ? address.port : deps.env.PORT;
    if (built?.port !== port) built = { port, origins: new Set(consoleOrigins(deps.env, port)) };
    return built.origins;
  };
}

/** Requests from another site never change state and never open /ws with our cookie. */
function originAllowed(req: FastifyRequest, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin) return allowed.has(origin);
  return req.headers["sec-fetch-site"] === "same-origin";
}

/** The secret of an `Authorization: Bearer …` header, if the request carries one. */
export function bearerOf(req: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
}

export function clientMeta(req: FastifyRequest) {
  return { ip: req.ip ?? null, userAgent: (req.headers["user-agent"] ?? "").slice(0, 300) || null };
}

function deny(reply: FastifyReply, req: FastifyRequest, statusCode: 401 | 403, code: "UNAUTHENTICATED" | "FORBIDDEN", message: string) {
  return reply.code(statusCode).send({ statusCode, code, message, requestId: req.id });
}

export function setSessionCookie(reply: FastifyReply, req: FastifyRequest, token: string, maxAgeSeconds: number) {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "strict", secure: req.protocol === "https", path: "/", maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, req: FastifyRequest) {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "strict", secure: req.protocol === "https", path: "/" });
}

/**
 * Identity and enforcement for every route. A route registered under /api or /ws without an access rule
 * makes the app refuse to start, so nothing is reachable by omission.
 */
export async function registerAuth(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest("ctx", null);
  app.decorateRequest("session", null);

  const origins = allowedOrigins(app, deps);

  // Believed for AUTH_CACHE_MS only while the bus is whole (a revocation frame can reach this process).
  const sessionCache = new CredentialCache<SessionIdentity>();
  const tokenCache = new CredentialCache<Actor>();
  const unsubscribe = await deps.bus.subscribe((frame) => {
    if (frame.type === "session.revoked") {
      sessionCache.dropOwner(frame.userId);
      tokenCache.dropOwner(frame.userId);
    } else if (frame.type === "token.revoked") tokenCache.dropOwner(frame.tokenId);
  });
  app.addHook("onClose", async () => unsubscribe());
  const cacheUsable = () => {
    if (deps.fleet.isTrusted) return true;
    sessionCache.clear();
    tokenCache.clear();
    return false;
  };
  const tokenActor = async (bearer: string): Promise<Actor | null> => {
    const usable = cacheUsable();
    const hit = usable ? tokenCache.get(bearer) : undefined;
    if (hit) return hit;
    const actor = await resolveApiToken(deps.db, bearer);
    if (actor?.type === "token" && usable) tokenCache.set(bearer, actor, [actor.id, actor.userId], actor.expiresAt?.getTime() ?? null);
    return actor;
  };
  const sessionOf = async (cookie: string): Promise<SessionIdentity | null> => {
    const usable = cacheUsable();
    const hit = usable ? sessionCache.get(cookie) : undefined;
    if (hit) return hit;
    const session = await resolveSession(deps.db, cookie, sessionPolicy(deps));
    if (session && usable) sessionCache.set(cookie, session, [session.user.id], Math.min(session.idleExpiresAt.getTime(), session.expiresAt.getTime()));
    return session;
  };
  // This process changed identities (a logout sends no frame): forget everything rather than work out what.
  app.addHook("onResponse", async (req, reply) => {
    if (!SAFE_METHODS.has(req.method) && reply.statusCode < 400 && IDENTITY_ROUTES.test(req.routeOptions.url ?? "")) {
      sessionCache.clear();
      tokenCache.clear();
    }
  });
  app.addHook("onListen", async () => app.log.info({ origins: [...origins()] }, "pages from these origins may use a session"));

  const table: RouteRule[] = [];
  routeTables.set(app, table);
  app.addHook("onRoute", (route) => {
    route.config ??= {};
    if (!route.config.auth) {
      if (route.url.startsWith("/api/docs")) route.config.auth = "targets:read";
      else if (route.url.startsWith("/api") || route.url === "/ws")
        throw new Error(`route ${String(route.method)} ${route.url} declares no access rule (config.auth)`);
      else route.config.auth = "public";
    }
    for (const method of [route.method].flat()) table.push({ method: String(method), url: route.url, auth: route.config.auth });
  });

  const security = (req: FastifyRequest, kind: Parameters<typeof recordSecurityEvent>[1]["kind"], detail: string) =>
    recordSecurityEvent(deps.db.sql, {
      kind,
      actorId: req.ctx?.actor.id ?? null,
      ...clientMeta(req),
      route: `${req.method} ${req.routeOptions.url ?? req.url.split("?")[0]}`,
      detail,
    }).catch((err: unknown) => req.log.error({ err }, "could not record a security event"));

  app.addHook("onRequest", async (req, reply) => {
    const access: Access = req.routeOptions.config?.auth ?? "public";
    // Liveness, readiness and the dashboard's files need no identity: they never wait on the database.
    if (access === "public" && !(req.routeOptions.url ?? req.url).startsWith("/api/")) return;
    const meta = clientMeta(req);
    const bearer = bearerOf(req);
    if (bearer) {
      const actor = await tokenActor(bearer);
      if (!actor) {
        await security(req, "auth.unauthenticated", "unknown, expired or revoked API token");
        return deny(reply, req, 401, "UNAUTHENTICATED", "the API token is unknown, expired or revoked");
      }
      req.ctx = { actor, ...meta, requestId: req.id };
    } else {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) {
        const session = await sessionOf(cookie);
        if (session) {
          req.session = session;
          req.ctx = {
            actor: { type: "user", id: session.user.id, label: session.user.email, roles: session.roles, sessionHash: session.tokenHash },
            ...meta,
            requestId: req.id,
          };
        }
      }
      const isWebSocket = req.routeOptions.url === "/ws";
      if ((!SAFE_METHODS.has(req.method) || isWebSocket) && !originAllowed(req, origins()) && (cookie || access === "public")) {
        await security(req, isWebSocket ? "ws.rejected" : "csrf.rejected", `origin ${req.headers.origin ?? "(none)"} is not allowed`);
        return deny(reply, req, 403, "FORBIDDEN", `cross-site request refused: origin ${req.headers.origin ?? "(none)"} is not allowed`);
      }
    }
    if (access === "public") return;
    if (req.session?.user.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(req.routeOptions.url ?? "")) {
      return deny(reply, req, 403, "FORBIDDEN", "choose a new password first (POST /api/auth/password)");
    }
    if (!req.ctx) {
      if (req.routeOptions.url !== "/api/auth/me")
        await security(req, req.routeOptions.url === "/ws" ? "ws.rejected" : "auth.unauthenticated", "no valid session or token");
      return deny(reply, req, 401, "UNAUTHENTICATED", "sign in first (your session may have expired)");
    }
    if (access !== "authenticated" && !can(req.ctx.actor.roles, access)) {
      await security(req, "auth.forbidden", `needs ${access}`);
      return deny(reply, req, 403, "FORBIDDEN", `not allowed: ${access} needs the role ${rolesGranting(access).join(" or ")}`);
    }
  });
}

/** The caller's context on a route that requires one (the hook has already refused anonymous callers). */
export function ctxOf(req: FastifyRequest): RequestContext {
  if (!req.ctx) throw new Error(`no request context on ${req.method} ${req.url}: the route must not be public`);
  return req.ctx;
}
