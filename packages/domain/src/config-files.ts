// Pure rules for a target's own config file (an OpenClaw gateway's openclaw.json): what validates it, how
// to read a validator's answer, which copy to restore, how to show it without its secrets, and how two
// versions differ. The I/O lives in packages/core/src/healing/config-repair.ts.

import { REDACTED, redactText } from "./redact.ts";

export type { ConfigIssue as ConfigFileIssue } from "@ops/contract";
import type { ConfigIssue as ConfigFileIssue, ConfigValidation } from "@ops/contract";

/** A validator's verdict on one file. `validator` names what judged it ("openclaw config validate --json", "parses as JSON", …). */
export type { ConfigValidation };

export const JSON_VALIDATOR = "parses as JSON";

// ---------------------------------------------------------------------------------------------------------
// Which program validates

const OPENCLAW_SCRIPT = /(^|\/)openclaw(\.m?js)?$/;

/**
 * The part of an argv that runs OpenClaw itself, when the argv starts a gateway: `[node, …/openclaw.mjs]`
 * for `[node, (node flags…), …/openclaw.mjs, "gateway", …]`, `["openclaw"]` for `["openclaw", "gateway", …]`.
 */
export function openclawProgramOf(argv: readonly string[]): string[] | null {
  const at = argv.findIndex((a) => OPENCLAW_SCRIPT.test(a));
  if (at < 0 || argv[at + 1] !== "gateway") return null;
  // Everything before the script must be the interpreter and its flags (never a second program).
  if (at > 0 && argv.slice(1, at).some((a) => !a.startsWith("-"))) return null;
  return argv.slice(0, at + 1);
}

/** `openclaw config validate --json` with the same program that runs the gateway, or null when the argv does not run one. */
export function openclawValidateArgv(argv: readonly string[]): string[] | null {
  const program = openclawProgramOf(argv);
  return program ? [...program, "config", "validate", "--json"] : null;
}

// ---------------------------------------------------------------------------------------------------------
// Reading a validator's answer

const MAX_SUMMARY = 1000;

function clip(s: string, max = MAX_SUMMARY): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The JSON document in a program's stdout: the whole of it, or from the first line that opens an object. */
export function extractJsonObject(stdout: string): Record<string, unknown> | null {
  const text = stdout.trim();
  const tryParse = (s: string): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(s) as unknown;
      return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const whole = tryParse(text);
  if (whole) return whole;
  // Launchers print notices first, e.g. "[postinstall] fs-safe native support is unavailable…".
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trimStart().startsWith("{")) continue;
    const found = tryParse(lines.slice(i).join("\n"));
    if (found) return found;
  }
  return null;
}

function issuesOf(value: unknown): ConfigFileIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((i): ConfigFileIssue[] => {
    if (i === null || typeof i !== "object") return [];
    const o = i as { path?: unknown; message?: unknown };
    const path = typeof o.path === "string" && o.path.trim() ? o.path : "<root>";
    const message = typeof o.message === "string" ? o.message : JSON.stringify(i);
    return [{ path: redactText(path), message: redactText(message) }];
  });
}

export function formatIssues(issues: readonly ConfigFileIssue[], max = 5): string {
  const shown = issues.slice(0, max).map((i) => `${i.path}: ${i.message}`);
  return issues.length > max ? `${shown.join("; ")}; and ${issues.length - max} more` : shown.join("; ");
}

/**
 * A validator's verdict from its exit code and stdout. `openclaw config validate --json` answers
 * `{"valid":true,"path":…,"warnings":[…]}` (rc 0) or `{"ok":false,"error":{…},"valid":false,"path":…,"issues":[{path,message}]}`
 * (rc 1; no `issues` when the file is missing). Any other program: exit 0 is valid, anything else is not,
 * with the tail of what it printed.
 */
export function parseValidatorOutput(stdout: string, exitCode: number | null, validator: string, stderr = ""): ConfigValidation {
  const doc = extractJsonObject(stdout);
  if (doc && typeof doc.valid === "boolean") {
    if (doc.valid) {
      const warnings = issuesOf(doc.warnings);
      const summary = warnings.length ? `valid; ${warnings.length} warning(s): ${formatIssues(warnings)}` : "valid";
      return { valid: exitCode === 0 || exitCode === null, issues: [], summary: clip(summary), validator };
    }
    const issues = issuesOf(doc.issues);
    const error = doc.error as { message?: unknown } | undefined;
    const errorMessage = typeof error?.message === "string" ? redactText(error.message) : null;
    const summary = issues.length ? formatIssues(issues) : (errorMessage ?? `invalid (exit ${exitCode ?? "?"})`);
    return { valid: false, issues: issues.length ? issues : [{ path: "<root>", message: summary }], summary: clip(summary), validator };
  }
  if (exitCode === 0) return { valid: true, issues: [], summary: "valid", validator };
  const said = redactText(`${stdout}\n${stderr}`.trim());
  const tail = said.length > 600 ? `…${said.slice(-600)}` : said;
  const summary = `${validator} exited ${exitCode ?? "without a code"}${tail ? `: ${tail}` : ""}`;
  return { valid: false, issues: [{ path: "<root>", message: clip(summary) }], summary: clip(summary), validator };
}

/** The built-in check for files without a validator: the content parses as JSON. */
export function validateJsonText(content: string): ConfigValidation {
  try {
    JSON.parse(content);
    return { valid: true, issues: [], summary: "valid: parses as JSON", validator: JSON_VALIDATOR };
  } catch (err) {
    const message = `does not parse as JSON: ${(err as Error).message}`;
    return { valid: false, issues: [{ path: "<root>", message }], summary: message, validator: JSON_VALIDATOR };
  }
}

/** False when the validator could not run (validatorFailure): the file is neither valid nor invalid. */
export function isVerdict(v: ConfigValidation): boolean {
  return v.issues[0]?.path !== "<validator>";
}

/** A validator that could not run (missing program, timeout): no verdict, so nothing is snapshotted on it. */
export function validatorFailure(validator: string, reason: string): ConfigValidation {
  const summary = clip(`could not validate: ${redactText(reason)}`);
  return { valid: false, issues: [{ path: "<validator>", message: summary }], summary, validator };
}

// ---------------------------------------------------------------------------------------------------------
// Secrets in config text

const SECRET_KEY_ENDINGS = ["token", "secret", "password", "passwd", "pwd", "key", "credential", "credentials", "authorization", "cookie"];

/** Keys whose values are secrets: named like token, secret, password, apiKey, key (case, '-' and '_' ignored). */
export function isSecretConfigKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_KEY_ENDINGS.some((e) => k.endsWith(e));
}

// A key (quoted or a bare JSON5 identifier) and its value on the same line. Objects and arrays are left
// alone: their own keys are looked at. true/false/null are kept (they say whether, not what).
const KEY_VALUE = /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\b[A-Za-z_$][\w$-]*)([ \t]*:[ \t]*)("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|[^\s,{}[\]/"']+)/g;

/**
 * Config text (JSON or JSON5) with the values of secret-named keys replaced by "[redacted]", plus
 * redactText's rules (credentials in URLs, bearer tokens). Keeps the line count, so a diff of the raw
 * text can show the redacted lines.
 */
export function redactConfigText(text: string): string {
  const keysRedacted = text.replace(KEY_VALUE, (whole, rawKey: string, colon: string, value: string) => {
    const key = rawKey.startsWith('"') || rawKey.startsWith("'") ? rawKey.slice(1, -1) : rawKey;
    if (!isSecretConfigKey(key)) return whole;
    if (value === "true" || value === "false" || value === "null") return whole;
    if (value === `"${REDACTED}"`) return whole;
    return `${rawKey}${colon}"${REDACTED}"`;
  });
  return redactText(keysRedacted);
}

// ---------------------------------------------------------------------------------------------------------
// Diff

type Op = { kind: " " | "-" | "+"; a: number; b: number };

const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The edit script from a to b (longest common subsequence of lines; common head and tail trimmed first). */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: " ", a: i, b: i });
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    for (let i = 0; i < n; i++) ops.push({ kind: "-", a: head + i, b: head });
    for (let j = 0; j < m; j++) ops.push({ kind: "+", a: head + n, b: head + j });
  } else {
    // lcs[i][j]: length of the LCS of am[i..] and bm[j..]
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        ops.push({ kind: " ", a: head + i, b: head + j });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        ops.push({ kind: "-", a: head + i, b: head + j });
        i++;
      } else {
        ops.push({ kind: "+", a: head + i, b: head + j });
        j++;
      }
    }
  }
  for (let k = 0; k < tail; k++) ops.push({ kind: " ", a: a.length - tail + k, b: b.length - tail + k });
  return ops;
}

export type DiffOptions = {
  fromLabel: string;
  toLabel: string;
  /** Lines of context around each change (3). */
  context?: number;
  /** How each shown line is rendered, by side and index (e.g. its redacted form); the raw line by default. */
  show?: (side: "a" | "b", index: number, raw: string) => string;
};

/** A unified diff (`---`/`+++` headers, `@@ -a,b +c,d @@` hunks) from `from` to `to`; "" when they are equal. */
export function unifiedDiff(from: string, to: string, opts: DiffOptions): string {
  const a = splitLines(from);
  const b = splitLines(to);
  const ops = diffLines(a, b);
  const ctx = opts.context ?? 3;
  const show = opts.show ?? ((_s, _i, raw) => raw);
  const changed = ops.flatMap((o, i) => (o.kind === " " ? [] : [i]));
  if (changed.length === 0) return "";
  // Group changes whose context overlaps into hunks.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const start = Math.max(0, i - ctx);
    const end = Math.min(ops.length - 1, i + ctx);
    const last = hunks.at(-1);
    if (last && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
  }
  const out = [`--- ${opts.fromLabel}`, `+++ ${opts.toLabel}`];
  for (const [s, e] of hunks) {
    const slice = ops.slice(s, e + 1);
    const oldCount = slice.filter((o) => o.kind !== "+").length;
    const newCount = slice.filter((o) => o.kind !== "-").length;
    const first = slice[0]!;
    const oldStart = oldCount === 0 ? first.a : first.a + 1;
    const newStart = newCount === 0 ? first.b : first.b + 1;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const o of slice) {
      if (o.kind === "+") out.push(`+${show("b", o.b, b[o.b]!)}`);
      else if (o.kind === "-") out.push(`-${show("a", o.a, a[o.a]!)}`);
      else out.push(` ${show("a", o.a, a[o.a]!)}`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** A unified diff in which every line is shown redacted (the diff itself is of the real text, so a changed secret shows as a changed line). */
export function redactedConfigDiff(from: string, to: string, fromLabel: string, toLabel: string): string {
  const ra = splitLines(redactConfigText(from));
  const rb = splitLines(redactConfigText(to));
  return unifiedDiff(from, to, {
    fromLabel,
    toLabel,
    // redactConfigText keeps line counts, so index i of the raw text is index i of the redacted one
    show: (side, i, raw) => (side === "a" ? ra[i] : rb[i]) ?? redactConfigText(raw),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Snapshots and restores

export const SNAPSHOT_HEALTHY_MS = 60_000;
export const MAX_SNAPSHOTS = 20;

/** A copy is taken only of a file the target has been running on: status ok for at least a minute. */
export function snapshotDue(
  state: { status: string; since: Date | null } | null | undefined,
  now: number,
  healthyMs = SNAPSHOT_HEALTHY_MS,
): { due: boolean; why: string } {
  if (!state) return { due: false, why: "not probed yet" };
  if (state.status !== "ok") return { due: false, why: `status is ${state.status}, not ok` };
  if (!state.since) return { due: false, why: "ok, since an unknown time" };
  const okFor = now - state.since.getTime();
  if (okFor < healthyMs) return { due: false, why: `ok for ${Math.max(0, Math.round(okFor / 1000))} s, not yet ${healthyMs / 1000} s` };
  return { due: true, why: `ok for ${Math.round(okFor / 1000)} s` };
}

export type StoredVersion = { version: number; kind: "snapshot" | "broken"; sha256: string };

/**
 * Which last-known-good copy to restore: the newest snapshot whose content differs from the current file
 * (a file can be valid JSON, snapshotted while the gateway kept running on its previous config, and still
 * not start), or the newest one when the file is missing.
 */
export function pickRestoreVersion(versions: readonly StoredVersion[], currentSha: string | null): number | null {
  const snapshots = versions.filter((v) => v.kind === "snapshot").sort((x, y) => y.version - x.version);
  const pick = currentSha === null ? snapshots[0] : snapshots.find((v) => v.sha256 !== currentSha);
  return pick?.version ?? null;
}

/** `<path>.broken-20261205T092233Z`: where a replaced file is kept, beside it. */
export function brokenCopyPath(path: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  return `${path}.broken-${stamp}`;
}

// ---------------------------------------------------------------------------------------------------------
// A gateway config against the target that runs it (the operator CLI's `config check`)

export type GatewayFinding = { level: "error" | "warning"; field: string; message: string };

export const OPENCLAW_DEFAULT_PORT = 18789;

function flagValue(argv: readonly string[], flag: string): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === flag) return argv[i + 1] ?? null;
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return null;
}

/**
 * What a gateway's config says against the target that starts it (OPENCLAW.md §2): the port it will listen
 * on (`--port` > `OPENCLAW_GATEWAY_PORT` > `gateway.port` > 18789) must be the target's; `gateway.mode`
 * must be `local` (else it exits 78); `bind` should be `loopback` (in a container the default is `auto`,
 * 0.0.0.0); `logging.file` should be set (else every instance writes the shared /tmp/openclaw log).
 */
export function gatewayConfigFindings(
  config: unknown,
  launch: { argv: readonly string[]; env: Readonly<Record<string, string>>; port: number | null; file: string },
): GatewayFinding[] {
  const out: GatewayFinding[] = [];
  const root = (config !== null && typeof config === "object" ? config : {}) as Record<string, unknown>;
  const gateway = (root.gateway !== null && typeof root.gateway === "object" ? root.gateway : {}) as Record<string, unknown>;
  const logging = (root.logging !== null && typeof root.logging === "object" ? root.logging : {}) as Record<string, unknown>;

  const argPort = flagValue(launch.argv, "--port");
  const envPort = launch.env.OPENCLAW_GATEWAY_PORT;
  const [port, from] =
    argPort !== null
      ? [Number(argPort), `restart.argv --port ${argPort}`]
      : envPort !== undefined
        ? [Number(envPort), `restart.env.OPENCLAW_GATEWAY_PORT=${envPort}`]
        : gateway.port !== undefined
          ? [Number(gateway.port), `gateway.port ${JSON.stringify(gateway.port)} in ${launch.file}`]
          : [OPENCLAW_DEFAULT_PORT, `gateway.port is not set in ${launch.file} (default ${OPENCLAW_DEFAULT_PORT})`];
  if (launch.port !== null && port !== launch.port) {
    out.push({
      level: "error",
      field: argPort !== null ? "restart.argv" : envPort !== undefined ? "restart.env.OPENCLAW_GATEWAY_PORT" : "gateway.port",
      message: `${from}, but the target's baseUrl has port ${launch.port}`,
    });
  }
  if (gateway.mode !== "local" && !launch.argv.includes("--allow-unconfigured")) {
    out.push({
      level: "error",
      field: "gateway.mode",
      message: `gateway.mode is ${gateway.mode === undefined ? "not set" : JSON.stringify(gateway.mode)} in ${launch.file}: the gateway refuses to start (exit 78) without "local"`,
    });
  }
  const bind = flagValue(launch.argv, "--bind") ?? gateway.bind;
  if (bind !== "loopback") {
    out.push({
      level: "warning",
      field: "gateway.bind",
      message: `gateway.bind is ${bind === undefined ? "not set" : JSON.stringify(bind)} in ${launch.file}: set "loopback" (in a container the default is "auto", which binds 0.0.0.0)`,
    });
  }
  if (typeof logging.file !== "string" || logging.file === "") {
    out.push({
      level: "warning",
      field: "logging.file",
      message: `logging.file is not set in ${launch.file}: the gateway then logs to the shared /tmp/openclaw/openclaw-<date>.log`,
    });
  }
  return out;
}
