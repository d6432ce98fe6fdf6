/** A target's own config file: GET /api/targets/:name/config, its versions and POST …/config/restore (apps/api/src/modules/config-versions). */
import { z } from "zod";
import { Version, VersionText } from "./common.ts";

export const ConfigIssue = z.object({ path: z.string(), message: z.string() });
export type ConfigIssue = z.infer<typeof ConfigIssue>;

export const ConfigValidation = z
  .object({
    valid: z.boolean(),
    issues: z.array(ConfigIssue),
    summary: z.string().describe('"valid", "invalid: 2 issues", "does not parse as JSON: …"'),
    validator: z.string().describe('what judged it: "openclaw config validate --json", "parses as JSON", or the target\'s configValidate argv'),
  })
  .meta({ id: "ConfigValidation" });
export type ConfigValidation = z.infer<typeof ConfigValidation>;

export const ConfigVersionKind = z.enum(["snapshot", "broken"]);
export type ConfigVersionKind = z.infer<typeof ConfigVersionKind>;

export const ConfigVersionSummary = z.object({ version: z.number().int(), kind: ConfigVersionKind, takenAt: z.string(), sha: z.string() });
export type ConfigVersionSummary = z.infer<typeof ConfigVersionSummary>;

export const ConfigStatus = z
  .object({
    target: z.string(),
    path: z.string(),
    exists: z.boolean(),
    currentSha: z.string().nullable(),
    validation: ConfigValidation.nullable().describe("the current file's verdict; null when it is missing"),
    lastGood: z.object({ version: z.number().int(), takenAt: z.string(), sha: z.string() }).nullable(),
    restoreCandidate: z.number().int().nullable().describe("the version a restore without one would put back"),
    versions: z.array(ConfigVersionSummary).describe("newest first: snapshots (last-known-good) and broken files a restore replaced"),
    diff: z.string().nullable().describe("unified diff from the last good copy to the current file, secrets redacted; null when equal or either is missing"),
  })
  .meta({ id: "TargetConfigStatus" });
export type ConfigStatus = z.infer<typeof ConfigStatus>;

export const ConfigVersion = ConfigVersionSummary.extend({
  target: z.string(),
  path: z.string(),
  validation: z.string().nullable(),
  content: z.string().describe("secrets redacted"),
}).meta({ id: "TargetConfigVersion" });
export type ConfigVersion = z.infer<typeof ConfigVersion>;

/** The `:name` of a target's config routes. */
export const ConfigTargetParams = z.object({ name: z.string().min(1).max(63) });
export type ConfigTargetParams = z.infer<typeof ConfigTargetParams>;

export const ConfigVersionParams = ConfigTargetParams.extend({ version: VersionText });
export type ConfigVersionParams = z.infer<typeof ConfigVersionParams>;

export const ConfigStatusAnswer = z.object({ config: ConfigStatus });
export type ConfigStatusAnswer = z.infer<typeof ConfigStatusAnswer>;

export const ConfigVersionAnswer = z.object({ version: ConfigVersion });
export type ConfigVersionAnswer = z.infer<typeof ConfigVersionAnswer>;

/** POST /api/targets/:name/config/restore: the given version, or the newest that differs from the file. */
export const ConfigRestoreBody = z.object({ version: Version.optional() }).strict();
export type ConfigRestoreBody = z.infer<typeof ConfigRestoreBody>;

/** The answer of POST /api/targets/:name/config/restore. */
export const ConfigRestoreAnswer = z.object({
  ok: z.boolean().describe("false when the restored file does not validate"),
  note: z.string(),
  restoredVersion: z.number().int(),
  brokenCopy: z.string().nullable().describe("where the replaced file is kept"),
  restartNeeded: z.boolean().describe("the gateway reads its config at start: restart it to load the restored file"),
  config: ConfigStatus,
});
export type ConfigRestoreAnswer = z.infer<typeof ConfigRestoreAnswer>;
