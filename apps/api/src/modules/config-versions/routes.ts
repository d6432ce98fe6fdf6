import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ServiceError, configStatus, fleetTarget, getConfigVersion, requireConfigFile, restoreLastGoodConfig } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { Version, VersionText, errorResponses } from "@ops/contract";

const Validation = z
  .object({
    valid: z.boolean(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
    summary: z.string(),
    validator: z.string().describe('what judged it: "openclaw config validate --json", "parses as JSON", or the target\'s configValidate argv'),
  })
  .meta({ id: "ConfigValidation" });

const VersionSummary = z.object({ version: z.number().int(), kind: z.enum(["snapshot", "broken"]), takenAt: z.string(), sha: z.string() });

const ConfigStatus = z
  .object({
    target: z.string(),
    path: z.string(),
    exists: z.boolean(),
    currentSha: z.string().nullable(),
    validation: Validation.nullable().describe("the current file's verdict; null when it is missing"),
    lastGood: z.object({ version: z.number().int(), takenAt: z.string(), sha: z.string() }).nullable(),
    restoreCandidate: z.number().int().nullable().describe("the version a restore without one would put back"),
    versions: z.array(VersionSummary).describe("newest first: snapshots (last-known-good) and broken files a restore replaced"),
    diff: z.string().nullable().describe("unified diff from the last good copy to the current file, secrets redacted"),
  })
  .meta({ id: "TargetConfigStatus" });

const ConfigVersion = VersionSummary.extend({ target: z.string(), path: z.string(), validation: z.string().nullable(), content: z.string().describe("secrets redacted") }).meta({ id: "TargetConfigVersion" });

const Name = z.object({ name: z.string().min(1).max(63) });

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
        params: Name,
        response: { 200: z.object({ config: ConfigStatus }), ...errorResponses },
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
        params: Name.extend({ version: VersionText }),
        response: { 200: z.object({ version: ConfigVersion }), ...errorResponses },
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
        params: Name,
        body: z.object({ version: Version.optional() }).strict(),
        response: {
          200: z.object({
            ok: z.boolean().describe("false when the restored file does not validate"),
            note: z.string(),
            restoredVersion: z.number().int(),
            brokenCopy: z.string().nullable().describe("where the replaced file is kept"),
            restartNeeded: z.boolean().describe("the gateway reads its config at start: restart it to load the restored file"),
            config: ConfigStatus,
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const target = fleetTarget(deps.config, req.params.name);
      const file = await requireConfigFile(deps.config, target);
      const result = await restoreLastGoodConfig(deps.db, deps.config, target, ctxOf(req), { version: req.body.version, file });
      // Nothing was written: no copy to restore, or the file is that copy already (the note says which).
      if (result.restoredVersion === undefined) throw new ServiceError("CONFLICT", result.note, req.body.version === undefined ? undefined : "version");
      return {
        ok: result.ok,
        note: result.note,
        restoredVersion: result.restoredVersion,
        brokenCopy: result.brokenCopy ?? null,
        restartNeeded: true,
        config: await configStatus(deps.db, deps.config, target, { file }),
      };
    },
  );
}
