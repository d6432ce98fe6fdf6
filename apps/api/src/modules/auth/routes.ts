import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { changeOwnPassword, login, logout } from "@ops/core";
import { permissionsOf } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { SESSION_COOKIE, clearSessionCookie, clientMeta, ctxOf, setSessionCookie } from "../../plugins/auth.ts";
import { LoginBody, MeResponse, PasswordChangeBody, UserResponse, errorResponses } from "@ops/contract";

export async function authRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const maxAge = deps.env.OPS_SESSION_MAX_HOURS * 3600;

  r.post(
    "/api/auth/login",
    {
      config: { auth: "public" },
      schema: {
        tags: ["auth"],
        summary: "Sign in with email and password; sets the session cookie",
        body: LoginBody,
        response: { 200: UserResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { token, user } = await login(deps.db, deps.redis, deps.env.OPS_REDIS_PREFIX, req.body, clientMeta(req));
      setSessionCookie(reply, req, token, maxAge);
      return { user };
    },
  );

  r.post(
    "/api/auth/logout",
    { config: { auth: "public" }, schema: { tags: ["auth"], summary: "End this session", response: { 204: z.null() } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await logout(deps.db, token);
      clearSessionCookie(reply, req);
      return reply.code(204).send(null);
    },
  );

  r.get(
    "/api/auth/me",
    {
      config: { auth: "authenticated" },
      schema: { tags: ["auth"], summary: "The caller, their roles and permissions", response: { 200: MeResponse, ...errorResponses } },
    },
    async (req) => {
      const ctx = ctxOf(req);
      if (req.session) {
        const s = req.session;
        return {
          user: s.user,
          permissions: s.permissions,
          via: "session" as const,
          session: { idleExpiresAt: s.idleExpiresAt.toISOString(), expiresAt: s.expiresAt.toISOString() },
        };
      }
      const actor = ctx.actor;
      return {
        user: { id: actor.id ?? "", email: actor.label, displayName: actor.label, roles: actor.roles, mustChangePassword: false },
        permissions: permissionsOf(actor.roles),
        via: "token" as const,
        session: null,
      };
    },
  );

  r.post(
    "/api/auth/password",
    {
      config: { auth: "authenticated" },
      schema: {
        tags: ["auth"],
        summary: "Change your password: every other session ends, this one is renewed",
        body: PasswordChangeBody,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { token } = await changeOwnPassword(deps.db, ctxOf(req), req.body, clientMeta(req), deps.bus);
      setSessionCookie(reply, req, token, maxAge);
      return reply.code(204).send(null);
    },
  );
}
