import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { configStatus, fleetTarget, getConfigVersion, restoreTargetConfig } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import {
  ConfigRestoreAnswer,
  ConfigRestoreBody,
  ConfigStatusAnswer,
  ConfigTargetParams,
  ConfigVersionAnswer,
  ConfigVersionParams,
  errorResponses,
} from "@ops/contract";

export async function configVersionRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["self-healing"];

  r.get(
    "/api/targets/:name/config",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "A target's own config file: validation, last-known-good copies, diff against the last good one",
        params: ConfigTargetParams,
        response: { 200: ConfigStatusAnswer, ...errorResponses },
      },
    },
    async (req) => ({ config: await configStatus(deps.db, deps.config, fleetTarget(deps.config, req.params.name)) }),
  );

  r.get(
    "/api/targets/:name/config/versions/:version",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "One stored version of a target's config file, secrets redacted",
        params: ConfigVersionParams,
        response: { 200: ConfigVersionAnswer, ...errorResponses },
      },
    },
    async (req) => ({ version: await getConfigVersion(deps.db, fleetTarget(deps.config, req.params.name), req.params.version) }),
  );

  r.post(
    "/api/targets/:name/config/restore",
    {
      config: { auth: "healing:control" },
      schema: {
        tags,
        summary: "Put a last-known-good copy back (the given version, or the newest that differs from the file); the target is not restarted",
        params: ConfigTargetParams,
        body: ConfigRestoreBody,
        response: { 200: ConfigRestoreAnswer, ...errorResponses },
      },
    },
    async (req) => restoreTargetConfig(deps.db, deps.config, fleetTarget(deps.config, req.params.name), ctxOf(req), req.body.version),
  );
}
