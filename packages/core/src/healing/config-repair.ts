// A target's own config file (an OpenClaw gateway's openclaw.json): last-known-good copies taken while it
// is healthy, validation with the gateway's own checker, the diff against the last good copy, and the
// restore the doctor's `restore-config` action performs. Rules (which copy, redaction, diff) are in
// @ops/domain's config-files.ts.

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { REPO_ROOT, childEnvironment, type OpsConfig, type TargetConfig } from "@ops/config";
import type { ConfigRestoreAnswer, ConfigStatus, ConfigVersion, ConfigVersionSummary } from "@ops/contract";
import { columns, configVersions, type DbHandle, type Row } from "@ops/db";
import {
  JSON_VALIDATOR,
  MAX_SNAPSHOTS,
  brokenCopyPath,
  isVerdict,
  openclawValidateArgv,
  parseValidatorOutput,
  pickRestoreVersion,
  redactConfigText,
  redactedConfigDiff,
  snapshotDue,
  validateJsonText,
  validatorFailure,
  type ConfigValidation,
} from "@ops/domain";
import type postgres from "postgres";
import { ServiceError, invalid, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, systemContext, type RequestContext } from "../identity/context.ts";
import { expandArgv } from "./drivers.ts";

export type { ConfigValidation } from "@ops/domain";
export type { ConfigStatus, ConfigVersionSummary };

const VALIDATE_TIMEOUT_MS = 30_000;
const SIMULATOR_TIMEOUT_MS = 5_000;

type Sql = postgres.Sql | postgres.TransactionSql;

// ---------------------------------------------------------------------------------------------------------
// Which file

/** What the simulator says about one of its agents (`GET <controlUrl>/agents/<name>` → `{agent}`). */
export type SimulatorAgentView = { stateDir?: string | null | undefined };

function resolveFrom(path: string, base: string | undefined): string {
  return isAbsolute(path) ? path : resolve(base ?? REPO_ROOT, path);
}

/**
 * The target's config file on this host: its `configPath` (relative to the process's `cwd`, else the
 * repository); for a `process` target without one, the `OPENCLAW_CONFIG_PATH` its env gives the gateway;
 * for a `simulator` target without one, the simulated agent's own `<stateDir>/openclaw.json`. Null when
 * the console knows no config file for it.
 */
export function configFileOf(target: TargetConfig, simulatorView?: SimulatorAgentView | null): string | null {
  const r = target.restart;
  const cwd = r.driver === "process" ? r.cwd : undefined;
  if (target.configPath) return resolveFrom(target.configPath, cwd);
  if (r.driver === "process" && r.env?.OPENCLAW_CONFIG_PATH) return resolveFrom(r.env.OPENCLAW_CONFIG_PATH, cwd);
  if (r.driver === "simulator" && simulatorView?.stateDir) return join(simulatorView.stateDir, "openclaw.json");
  return null;
}

export type ConfigLocation = { path: string } | { path: null; reason: "none" | "unavailable"; why: string };

/** configFileOf, asking the simulator for its agent's state dir when it needs to. */
export async function locateConfigFile(config: OpsConfig, target: TargetConfig): Promise<ConfigLocation> {
  const direct = configFileOf(target);
  if (direct) return { path: direct };
  if (target.restart.driver !== "simulator") {
    return {
      path: null,
      reason: "none",
      why: `${target.name} has no config file the console knows: set configPath in fleet.json (its restart driver is ${target.restart.driver})`,
    };
  }
  const control = config.fleet.simulator.controlUrl.replace(/\/$/, "");
  try {
    const res = await fetch(`${control}/agents/${encodeURIComponent(target.name)}`, { signal: AbortSignal.timeout(SIMULATOR_TIMEOUT_MS) });
    if (res.status === 404)
      return { path: null, reason: "none", why: `the simulator at ${control} does not play ${target.name}, and fleet.json gives it no configPath` };
    if (!res.ok) return { path: null, reason: "unavailable", why: `the simulator at ${control} answered HTTP ${res.status} for ${target.name}` };
    const { agent } = (await res.json()) as { agent?: SimulatorAgentView };
    const path = configFileOf(target, agent);
    return path ? { path } : { path: null, reason: "unavailable", why: `the simulator at ${control} did not say where ${target.name} keeps its state` };
  } catch (err) {
    return {
      path: null,
      reason: "unavailable",
      why: `the simulator at ${control} did not answer (${(err as Error).message}), so ${target.name}'s config file is unknown`,
    };
  }
}

/** The config file, or the error a route answers: 404 when the target has none, 503 when the simulator cannot say. */
export async function requireConfigFile(config: OpsConfig, target: TargetConfig): Promise<string> {
  const loc = await locateConfigFile(config, target);
  if (loc.path !== null) return loc.path;
  throw new ServiceError(loc.reason === "none" ? "NOT_FOUND" : "DEPENDENCY_DOWN", loc.why, "name");
}

/** A target of the loaded fleet by name, or 404. */
export function fleetTarget(config: OpsConfig, name: string): TargetConfig {
  const t = config.fleet.targets.find((x) => x.name === name);
  if (!t) throw notFound(`target "${name}"`, "name");
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// Which validator

export type ConfigValidator =
  { kind: "program"; argv: string[]; cwd: string | undefined; env: Record<string, string>; label: string } | { kind: "json"; label: string };

/**
 * `configValidate` when set (an argv; a whole `{config}` argument is the file, and OPENCLAW_CONFIG_PATH
 * names it too); else, for a `process` target that runs OpenClaw, the same program with
 * `config validate --json` and the target's env; else the built-in check that the file parses as JSON.
 */
export function validatorOf(target: TargetConfig): ConfigValidator {
  const r = target.restart;
  const env = childEnvironment(r.driver === "process" ? r.env : undefined);
  const cwd = r.driver === "process" ? r.cwd : undefined;
  if (target.configValidate) {
    const argv = expandArgv(target.configValidate, target);
    return { kind: "program", argv, cwd, env, label: argv.join(" ") };
  }
  if (r.driver === "process") {
    const argv = openclawValidateArgv(expandArgv(r.argv, target));
    if (argv) return { kind: "program", argv, cwd, env, label: "openclaw config validate --json" };
  }
  return { kind: "json", label: JSON_VALIDATOR };
}

function runProgram(
  argv: string[],
  cwd: string | undefined,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string } | { error: string }> {
  const [file, ...args] = argv;
  return new Promise((done) => {
    execFile(file!, args, { cwd, env, timeout: VALIDATE_TIMEOUT_MS, maxBuffer: 1024 * 1024, shell: false, windowsHide: true }, (err, stdout, stderr) => {
      if (!err) return done({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number; signal?: string };
      if (e.code === "ENOENT" && !stdout && !stderr)
        return done({ error: cwd && !existsSync(cwd) ? `its working directory ${cwd} does not exist` : `${file}: command not found` });
      if (e.killed || e.signal === "SIGTERM") return done({ error: `${file}: no answer within ${VALIDATE_TIMEOUT_MS / 1000} s` });
      if (typeof e.code === "number") return done({ code: e.code, stdout, stderr });
      done({ error: `${file}: ${e.message}` });
    });
  });
}

/** Run a validator on one file. The program gets OPENCLAW_CONFIG_PATH=<file> and NO_COLOR=1, never a shell. */
export async function runValidator(v: ConfigValidator, file: string): Promise<ConfigValidation> {
  if (v.kind === "json") {
    if (!existsSync(file)) return { valid: false, issues: [{ path: "<root>", message: "file not found" }], summary: "file not found", validator: v.label };
    return validateJsonText(readFileSync(file, "utf8"));
  }
  const argv = v.argv.map((a) => (a === "{config}" ? file : a));
  const r = await runProgram(argv, v.cwd, { ...v.env, OPENCLAW_CONFIG_PATH: file, NO_COLOR: "1" });
  if ("error" in r) return validatorFailure(v.label, r.error);
  return parseValidatorOutput(r.stdout, r.code, v.label, r.stderr);
}

// Verdicts by (validator, file, content): a status request does not run a 2.4 s validator again.
const CACHE_SIZE = 256;
const validationCache = new Map<string, ConfigValidation>();

/** The validator's verdict on a file whose content hashes to `sha`, from the cache when it was judged before. */
export async function validateConfigFile(target: TargetConfig, file: string, sha: string): Promise<ConfigValidation> {
  const v = validatorOf(target);
  const key = [v.label, v.kind === "program" ? (v.cwd ?? "") : "", file, sha].join("\0");
  const hit = validationCache.get(key);
  if (hit) {
    validationCache.delete(key);
    validationCache.set(key, hit);
    return hit;
  }
  const result = await runValidator(v, file);
  // A validator that could not run gave no verdict: ask again next time.
  if (isVerdict(result)) {
    validationCache.set(key, result);
    if (validationCache.size > CACHE_SIZE) validationCache.delete(validationCache.keys().next().value!);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Stored versions

export const sha256Of = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

/** A verdict in one line for the stored row and the notes: "valid (openclaw config validate --json)". */
export function describeValidation(v: ConfigValidation): string {
  return v.summary.includes(v.validator) ? v.summary : `${v.summary} (${v.validator})`;
}

type ConfigVersionRow = Row<typeof configVersions>;
type VersionRow = Pick<ConfigVersionRow, "id" | "version" | "kind" | "sha256" | "takenAt">;
const VERSION_COLUMNS = columns(configVersions, { only: ["id", "version", "kind", "sha256", "takenAt"] });

async function listVersionRows(sql: Sql, target: string): Promise<VersionRow[]> {
  return sql<VersionRow[]>`SELECT ${sql.unsafe(VERSION_COLUMNS)} FROM config_versions WHERE target = ${target} ORDER BY version DESC`;
}

async function lockTarget(tx: Sql, target: string): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(hashtext(${`config_versions:${target}`}))`;
}

async function insertVersion(
  tx: Sql,
  row: { target: string; path: string; sha256: string; content: string; kind: "snapshot" | "broken"; validation: string },
): Promise<number> {
  const [next] = await tx<{ n: number }[]>`SELECT coalesce(max(version), 0) + 1 AS n FROM config_versions WHERE target = ${row.target}`;
  await tx`
    INSERT INTO config_versions (target, version, path, sha256, content, kind, validation)
    VALUES (${row.target}, ${next!.n}, ${row.path}, ${row.sha256}, ${row.content}, ${row.kind}, ${row.validation})`;
  // At most MAX_SNAPSHOTS of each kind per target: the oldest go.
  await tx`
    DELETE FROM config_versions WHERE id IN (
      SELECT id FROM config_versions WHERE target = ${row.target} AND kind = ${row.kind} ORDER BY version DESC OFFSET ${MAX_SNAPSHOTS})`;
  return next!.n;
}

function readIfExists(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Snapshots

export type SnapshotResult = { taken: boolean; version?: number; path: string | null; note: string };

/**
 * Take a last-known-good copy: when the target has been `ok` for `configSnapshotAfterSeconds` (60) and its file differs
 * from the latest snapshot, validate it and, if valid, store it as the next version (at most 20 kept).
 */
export async function snapshotConfig(
  h: DbHandle,
  config: OpsConfig,
  target: TargetConfig,
  opts: { file?: string | null; now?: number } = {},
): Promise<SnapshotResult> {
  const now = opts.now ?? Date.now();
  let path = opts.file;
  if (path === undefined) {
    const loc = await locateConfigFile(config, target);
    if (loc.path === null) return { taken: false, path: null, note: loc.why };
    path = loc.path;
  }
  if (path === null) return { taken: false, path: null, note: `${target.name} has no config file the console knows` };
  const [state] = await h.sql<{ status: string; since: Date | null }[]>`SELECT status, since FROM target_state WHERE name = ${target.name}`;
  const due = snapshotDue(state, now, config.monitoring.selfHealing.configSnapshotAfterSeconds * 1000);
  if (!due.due) return { taken: false, path, note: `not yet: ${due.why}` };
  const content = readIfExists(path);
  if (content === null) return { taken: false, path, note: `${path} does not exist` };
  const sha = sha256Of(content);
  const latest = () => h.sql<{ version: number; sha256: string }[]>`
    SELECT version, sha256 FROM config_versions WHERE target = ${target.name} AND kind = 'snapshot' ORDER BY version DESC LIMIT 1`;
  const [last] = await latest();
  if (last?.sha256 === sha) return { taken: false, path, note: `unchanged since version ${last.version}` };
  const validation = await validateConfigFile(target, path, sha);
  if (!validation.valid) return { taken: false, path, note: `not kept: ${validation.summary}` };
  // The validator read the file on disk: keep the copy only if that is still the content we hashed.
  const after = readIfExists(path);
  if (after === null || sha256Of(after) !== sha) return { taken: false, path, note: `${path} changed while it was validated; next round` };
  return h.sql.begin(async (tx) => {
    await lockTarget(tx, target.name);
    const [again] = await tx<{ version: number; sha256: string }[]>`
      SELECT version, sha256 FROM config_versions WHERE target = ${target.name} AND kind = 'snapshot' ORDER BY version DESC LIMIT 1`;
    if (again?.sha256 === sha) return { taken: false, path, note: `unchanged since version ${again.version}` };
    const version = await insertVersion(tx, {
      target: target.name,
      path,
      sha256: sha,
      content: content.toString("utf8"),
      kind: "snapshot",
      validation: describeValidation(validation),
    });
    return { taken: true, version, path, note: `kept ${path} as version ${version}: ${describeValidation(validation)}` };
  });
}

/** The worker's round: a snapshot attempt for every enabled target whose config file is on this host. */
export async function snapshotAllConfigs(h: DbHandle, config: OpsConfig, opts: { now?: number } = {}): Promise<{ target: string; result: SnapshotResult }[]> {
  const targets = config.fleet.targets.filter((t) => t.enabled);
  // One question to the simulator for all its agents, not one per target.
  let agents = new Map<string, SimulatorAgentView>();
  if (targets.some((t) => t.restart.driver === "simulator" && !configFileOf(t))) {
    try {
      const res = await fetch(`${config.fleet.simulator.controlUrl.replace(/\/$/, "")}/agents`, { signal: AbortSignal.timeout(SIMULATOR_TIMEOUT_MS) });
      if (res.ok) agents = new Map(((await res.json()) as { agents: (SimulatorAgentView & { name: string })[] }).agents.map((a) => [a.name, a]));
    } catch {
      // the simulator is not running here: its targets have no file on this host
    }
  }
  const out: { target: string; result: SnapshotResult }[] = [];
  for (const t of targets) {
    const file = configFileOf(t, agents.get(t.name));
    if (!file || !existsSync(file)) continue;
    try {
      out.push({ target: t.name, result: await snapshotConfig(h, config, t, { file, now: opts.now }) });
    } catch (err) {
      out.push({ target: t.name, result: { taken: false, path: file, note: `failed: ${(err as Error).message}` } });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Restore

export type RestoreResult = { ok: boolean; note: string; restoredVersion?: number; brokenCopy?: string };

/** Write a file the way an editor that cares does: a temp file in the same folder, synced, then renamed over it. */
function writeAtomically(path: string, content: string, mode: number): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.restore-${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(tmp, mode); // the umask may have narrowed it
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // not every filesystem lets a directory be synced
  }
}

/**
 * Put the last-known-good copy back: the newest snapshot whose content differs from the current file (or
 * the newest when the file is missing), or `opts.version`. The replaced file is kept beside it as
 * `<path>.broken-<UTC time>` and recorded as a `broken` version; the good content is written atomically
 * with the file's mode; the result is validated and audited as `target.config.restore` (actor: a person,
 * or a system label such as "doctor"). It does not restart the target.
 */
export async function restoreLastGoodConfig(
  h: DbHandle,
  config: OpsConfig,
  target: TargetConfig,
  actor: RequestContext | string,
  opts: { version?: number | undefined; file?: string | null } = {},
): Promise<RestoreResult> {
  const ctx = typeof actor === "string" ? systemContext(actor) : actor;
  requirePermission(ctx, "healing:control");
  let path = opts.file;
  if (path === undefined) {
    const loc = await locateConfigFile(config, target);
    if (loc.path === null) return { ok: false, note: loc.why };
    path = loc.path;
  }
  if (path === null) return { ok: false, note: `${target.name} has no config file the console knows: set configPath in fleet.json` };
  const file = path;

  return h.sql.begin(async (tx): Promise<RestoreResult> => {
    await lockTarget(tx, target.name);
    const versions = await listVersionRows(tx, target.name);
    const current = readIfExists(file);
    const currentSha = current === null ? null : sha256Of(current);

    let version: number;
    if (opts.version !== undefined) {
      const wanted = versions.find((v) => v.version === opts.version);
      if (!wanted) throw notFound(`version ${opts.version} of ${target.name}'s config`, "version");
      if (wanted.kind !== "snapshot") throw invalid("version", `version ${opts.version} is the broken file a restore replaced, not a last-known-good copy`);
      if (wanted.sha256 === currentSha) return { ok: true, note: `${file} is already version ${opts.version}; nothing to restore` };
      version = opts.version;
    } else {
      const picked = pickRestoreVersion(versions, currentSha);
      if (picked === null) {
        const snapshots = versions.filter((v) => v.kind === "snapshot");
        if (snapshots.length === 0) {
          // OpenClaw keeps copies of its own: `.last-good` once it ran healthy (seen with 2026.9.6), `.bak` on writes.
          const own = [`${file}.last-good`, `${file}.bak`].filter((p) => existsSync(p));
          const bak = own.length ? ` (OpenClaw's own ${own.join(" and ")} exist${own.length === 1 ? "s" : ""}: inspect before restoring by hand)` : "";
          return { ok: false, note: `no last-known-good copy of ${file} yet: the console takes one after the target has been healthy for 60 s${bak}` };
        }
        return {
          ok: false,
          note: `${file} is the same as the last-known-good copy (version ${snapshots[0]!.version}) and there is no other: nothing to restore`,
        };
      }
      version = picked;
    }
    const [good] = await tx<{ content: string; sha256: string; takenAt: Date }[]>`
      SELECT content, sha256, taken_at AS "takenAt" FROM config_versions WHERE target = ${target.name} AND version = ${version}`;

    let mode = 0o600;
    let brokenCopy: string | undefined;
    let brokenValidation: ConfigValidation | null = null;
    if (current !== null && currentSha !== null) {
      mode = statSync(file).mode & 0o7777;
      brokenValidation = await validateConfigFile(target, file, currentSha);
      brokenCopy = brokenCopyPath(file, new Date());
      for (let n = 2; existsSync(brokenCopy); n++) brokenCopy = `${brokenCopyPath(file, new Date())}-${n}`;
      const fd = openSync(brokenCopy, "wx", mode);
      try {
        writeSync(fd, current);
      } finally {
        closeSync(fd);
      }
      await insertVersion(tx, {
        target: target.name,
        path: file,
        sha256: currentSha,
        content: current.toString("utf8"),
        kind: "broken",
        validation: describeValidation(brokenValidation),
      });
    }
    writeAtomically(file, good!.content, mode);
    const restoredSha = sha256Of(readFileSync(file));
    const validation = await validateConfigFile(target, file, restoredSha);
    await writeAudit(tx, ctx, {
      action: "target.config.restore",
      targetType: "target",
      targetId: target.name,
      before: { path: file, exists: current !== null, sha256: currentSha, validation: brokenValidation?.summary ?? null },
      after: { path: file, sha256: restoredSha, version, takenAt: good!.takenAt.toISOString(), brokenCopy: brokenCopy ?? null, validation: validation.summary },
    });
    const kept = brokenCopy ? `; the replaced file is kept as ${brokenCopy}` : "";
    // A copy that validated when it was taken and cannot be checked now (validator missing or slow) still counts.
    const ok = validation.valid || !isVerdict(validation);
    const unchecked = validation.valid ? "" : ` (not re-validated: ${validation.summary})`;
    const note = ok
      ? `restored ${file} from version ${version} (taken ${good!.takenAt.toISOString()})${kept}${unchecked}; restart the target to load it`
      : `restored ${file} from version ${version}${kept}, but it does not validate now: ${validation.summary}`;
    return { ok, note, restoredVersion: version, ...(brokenCopy ? { brokenCopy } : {}) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Views

/** The config file of a target: where it is, whether it validates, its stored versions and how it differs from the last good one. */
export async function configStatus(h: DbHandle, config: OpsConfig, target: TargetConfig, opts: { file?: string } = {}): Promise<ConfigStatus> {
  const file = opts.file ?? (await requireConfigFile(config, target));
  const versions = await listVersionRows(h.sql, target.name);
  const current = readIfExists(file);
  const currentSha = current === null ? null : sha256Of(current);
  const validation = current === null || currentSha === null ? null : await validateConfigFile(target, file, currentSha);
  const last = versions.find((v) => v.kind === "snapshot");
  let diff: string | null = null;
  if (last && current !== null && last.sha256 !== currentSha) {
    const [row] = await h.sql<{ content: string }[]>`SELECT content FROM config_versions WHERE target = ${target.name} AND version = ${last.version}`;
    diff =
      redactedConfigDiff(
        row!.content,
        current.toString("utf8"),
        `${file} (last good, version ${last.version}, ${last.takenAt.toISOString()})`,
        `${file} (current)`,
      ) || null;
  }
  return {
    target: target.name,
    path: file,
    exists: current !== null,
    currentSha,
    validation,
    lastGood: last ? { version: last.version, takenAt: last.takenAt.toISOString(), sha: last.sha256 } : null,
    restoreCandidate: pickRestoreVersion(versions, currentSha),
    versions: versions.map((v) => ({ version: v.version, kind: v.kind, takenAt: v.takenAt.toISOString(), sha: v.sha256 })),
    diff,
  };
}

export type ConfigVersionView = ConfigVersion;

/** One stored version, its content redacted. */
export async function getConfigVersion(h: DbHandle, target: TargetConfig, version: number): Promise<ConfigVersionView> {
  const [row] = await h.sql<
    ConfigVersionRow[]
  >`SELECT ${h.sql.unsafe(columns(configVersions))} FROM config_versions WHERE target = ${target.name} AND version = ${version}`;
  if (!row) throw notFound(`version ${version} of ${target.name}'s config`, "version");
  return {
    target: target.name,
    version: row.version,
    kind: row.kind,
    takenAt: row.takenAt.toISOString(),
    sha: row.sha256,
    path: row.path,
    validation: row.validation,
    content: redactConfigText(row.content),
  };
}

/**
 * A person's restore (POST /api/targets/:name/config/restore): `restoreLastGoodConfig`, answered with the
 * file's status after it. Nothing written (no copy to restore, or the file is that copy already) is a 409
 * whose message is the note.
 */
export async function restoreTargetConfig(
  h: DbHandle,
  config: OpsConfig,
  target: TargetConfig,
  ctx: RequestContext,
  version: number | undefined,
): Promise<ConfigRestoreAnswer> {
  const file = await requireConfigFile(config, target);
  const result = await restoreLastGoodConfig(h, config, target, ctx, { version, file });
  if (result.restoredVersion === undefined) throw new ServiceError("CONFLICT", result.note, version === undefined ? undefined : "version");
  return {
    ok: result.ok,
    note: result.note,
    restoredVersion: result.restoredVersion,
    brokenCopy: result.brokenCopy ?? null,
    restartNeeded: true,
    config: await configStatus(h, config, target, { file }),
  };
}
