import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createApiToken, listApiTokens, revokeApiToken } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { CreatedToken, CreateTokenBody, errorResponses, TokenList, TokenParams } from "@ops/contract";

export async function tokenRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["tokens"];

  r.get(
    "/api/tokens",
    {
      config: { auth: "authenticated" },
      schema: { tags, summary: "Your API tokens (everyone's for admins)", response: { 200: TokenList, ...errorResponses } },
    },
    async (req) => ({ tokens: await listApiTokens(deps.db, ctxOf(req)) }),
  );

  r.post(
    "/api/tokens",
    {
      config: { auth: "tokens:create" },
      schema: {
        tags,
        summary: "Create a machine identity; the secret is returned once",
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send(await createApiToken(deps.db, ctxOf(req), req.body)),
  );

  r.delete(
    "/api/tokens/:id",
    {
      config: { auth: "authenticated" },
      schema: { tags, summary: "Revoke a token (your own, or any for admins)", params: TokenParams, response: { 204: z.null(), ...errorResponses } },
    },
    async (req, reply) => {
      await revokeApiToken(deps.db, ctxOf(req), req.params.id, { bus: deps.bus, warn: (message) => req.log.warn(message) });
      return reply.code(204).send(null);
    },
  );
}
