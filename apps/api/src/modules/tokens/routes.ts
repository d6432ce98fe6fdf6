import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createApiToken, listApiTokens, revokeApiToken } from "@ops/core";
import { ROLES } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { DateText, errorResponses } from "@ops/contract";

const Token = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    roles: z.array(z.enum(ROLES)),
    createdBy: z.object({ id: z.string(), email: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    member: z.string().nullable().describe("the governance member this token votes as"),
  })
  .meta({ id: "ApiToken" });

export async function tokenRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["tokens"];

  r.get(
    "/api/tokens",
    { config: { auth: "authenticated" }, schema: { tags, summary: "Your API tokens (everyone's for admins)", response: { 200: z.object({ tokens: z.array(Token) }), ...errorResponses } } },
    async (req) => ({ tokens: await listApiTokens(deps.db, ctxOf(req)) }),
  );

  r.post(
    "/api/tokens",
    {
      config: { auth: "tokens:create" },
      schema: {
        tags,
        summary: "Create a machine identity; the secret is returned once",
        body: z.object({ name: z.string().trim().min(1).max(120), roles: z.array(z.enum(ROLES)).min(1, "give the token at least one role"), expiresAt: DateText.optional(), member: z.string().trim().min(1).max(120).optional().describe("admins only: the governance member (e.g. alpha) this token votes as") }),
        response: { 201: z.object({ token: Token, secret: z.string() }), ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send(await createApiToken(deps.db, ctxOf(req), req.body)),
  );

  r.delete(
    "/api/tokens/:id",
    {
      config: { auth: "authenticated" },
      schema: { tags, summary: "Revoke a token (your own, or any for admins)", params: z.object({ id: z.uuid() }), response: { 204: z.null(), ...errorResponses } },
    },
    async (req, reply) => {
      const { id } = req.params;
      await revokeApiToken(deps.db, ctxOf(req), id);
      // Every API process closes the sockets opened with this token. The revocation is committed already, so a
      // Redis failure does not fail the request: the heartbeat's re-check closes them then.
      deps.bus.publish({ type: "token.revoked", tokenId: id, reason: "token revoked" }).catch((err: unknown) => req.log.warn({ err }, "could not announce a token revocation on the bus"));
      return reply.code(204).send(null);
    },
  );
}
