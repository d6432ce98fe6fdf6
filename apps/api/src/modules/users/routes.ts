import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { createUser, deleteUser, listUsers, resetUserPassword, updateUser } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { InviteUserBody, InvitedUser, TemporaryPassword, UpdateUserBody, UserDeleted, UserList, UserParams, UserResponse, errorResponses } from "@ops/contract";

export async function userRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["users"];

  r.get(
    "/api/users",
    { config: { auth: "users:manage" }, schema: { tags, summary: "All users", response: { 200: UserList, ...errorResponses } } },
    async (req) => ({ users: await listUsers(deps.db, ctxOf(req)) }),
  );

  r.post(
    "/api/users",
    {
      config: { auth: "users:manage" },
      schema: {
        tags,
        summary: "Invite a user; the temporary password is returned once",
        body: InviteUserBody,
        response: { 201: InvitedUser, ...errorResponses },
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
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: UserResponse, ...errorResponses },
      },
    },
    async (req) => updateUser(deps.db, ctxOf(req), req.params.id, req.body, deps.bus),
  );

  r.delete(
    "/api/users/:id",
    {
      config: { auth: "users:manage" },
      schema: {
        tags,
        summary: "Delete a user who never acted (no audit row as the actor); one who did is disabled instead (409)",
        params: UserParams,
        response: { 200: UserDeleted, ...errorResponses },
      },
    },
    async (req) => deleteUser(deps.db, ctxOf(req), req.params.id, deps.bus),
  );

  r.post(
    "/api/users/:id/reset-password",
    {
      config: { auth: "users:manage" },
      schema: {
        tags,
        summary: "Set a temporary password (returned once); the user's sessions end",
        params: UserParams,
        response: { 200: TemporaryPassword, ...errorResponses },
      },
    },
    async (req) => resetUserPassword(deps.db, ctxOf(req), req.params.id, deps.bus),
  );
}
