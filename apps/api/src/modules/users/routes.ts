import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createUser, listUsers, recordSecurityEvent, resetUserPassword, updateUser } from "@ops/core";
import { ROLES } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { clientMeta, ctxOf } from "../../plugins/auth.ts";
import { User, errorResponses } from "@ops/contract";

const IdParams = z.object({ id: z.uuid() });
const Roles = z.array(z.enum(ROLES)).max(ROLES.length);

export async function userRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["users"];

  const sessionsEnded = async (userId: string, reason: string, req: Parameters<typeof clientMeta>[0]) => {
    await deps.bus.publish({ type: "session.revoked", userId, reason });
    await recordSecurityEvent(deps.db.sql, { kind: "session.revoked", actorId: userId, ...clientMeta(req), route: `${req.method} ${req.routeOptions.url}`, detail: reason });
  };

  r.get(
    "/api/users",
    { config: { auth: "users:manage" }, schema: { tags, summary: "All users", response: { 200: z.object({ users: z.array(User) }), ...errorResponses } } },
    async (req) => ({ users: await listUsers(deps.db, ctxOf(req)) }),
  );

  r.post(
    "/api/users",
    {
      config: { auth: "users:manage" },
      schema: {
        tags,
        summary: "Invite a user; the temporary password is returned once",
        body: z.object({ email: z.email().max(320), displayName: z.string().trim().min(1).max(120), roles: Roles }),
        response: { 201: z.object({ user: User, temporaryPassword: z.string() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await createUser(deps.db, ctxOf(req), req.body);
      return reply.code(201).send({ user: out.user, temporaryPassword: out.temporaryPassword ?? "" });
    },
  );

  r.patch(
    "/api/users/:id",
    {
      config: { auth: "users:manage" },
      schema: {
        tags,
        summary: "Change a user's name, roles or disabled flag",
        params: IdParams,
        body: z
          .object({ displayName: z.string().max(120).optional(), roles: Roles.optional(), disabled: z.boolean().optional() })
          .strict()
          .refine((b) => Object.keys(b).length > 0, { message: "give at least one of displayName, roles, disabled" }),
        response: { 200: z.object({ user: User }), ...errorResponses },
      },
    },
    async (req) => {
      const { user, sessionsEnded: ended } = await updateUser(deps.db, ctxOf(req), req.params.id, req.body);
      if (ended) await sessionsEnded(user.id, user.disabled ? "user disabled" : "roles changed", req);
      return { user };
    },
  );

  r.post(
    "/api/users/:id/reset-password",
    {
      config: { auth: "users:manage" },
      schema: {
        tags,
        summary: "Set a temporary password (returned once); the user's sessions end",
        params: IdParams,
        response: { 200: z.object({ temporaryPassword: z.string() }), ...errorResponses },
      },
    },
    async (req) => {
      const out = await resetUserPassword(deps.db, ctxOf(req), req.params.id);
      await sessionsEnded(req.params.id, "password reset by an admin", req);
      return out;
    },
  );
}
