import { readFileSync, existsSync, readdirSync } from "node:fs";
import { CommandAllowList, RunbookDef, checkDefinition } from "@ops/domain";
import { DEFAULT_CONFIG_DIR } from "./paths.ts";
import { join } from "node:path";
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import type { z } from "zod";
import {
  type BackupConfig,
  CONFIG_FILES,
  type FleetConfig,
  type GovernanceRules,
  type MonitoringConfig,
  type ConfigName,
} from "./schemas.ts";

export type ConfigIssue = {
  file: string;
  /** JSON path like `targets[3].port`, or `(file)` / `(syntax)`. */
  path: string;
  line: number | null;
  column: number | null;
  message: string;
};

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line !== null ? `${i.file}:${i.line}:${i.column}` : i.file;
  return `${where} ${i.path}: ${i.message}`;
}

export function formatJsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Find the deepest node that exists along a path, so a missing field points at its parent object. */
function locate(tree: Node | undefined, path: readonly PropertyKey[]): Node | undefined {
  if (!tree) return undefined;
  const segs = path.filter((p): p is string | number => typeof p === "string" || typeof p === "number");
  for (let n = segs.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, segs.slice(0, n));
    if (node) return node;
  }
  return tree;
}

export type ParsedFile<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

/** Parse and validate one JSON text; every problem names the file, JSON path, line and column. */
export function parseConfigText<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  check?: (value: z.output<S>) => { path: (string | number)[]; message: string }[],
): ParsedFile<z.output<S>> {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !tree) {
    const issues = errors.length
      ? errors.map((e) => ({ file, path: "(syntax)", ...lineColumn(text, e.offset), message: `invalid JSON: ${describeParseError(e)}` }))
      : [{ file, path: "(syntax)", line: 1, column: 1, message: "invalid JSON: the file is empty" }];
    return { ok: false, issues };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [{ file, path: "(syntax)", line: null, column: null, message: `invalid JSON: ${(err as Error).message}` }] };
  }
  const at = (path: readonly PropertyKey[], message: string): ConfigIssue => {
    const node = locate(tree, path);
    const pos = node ? lineColumn(text, node.offset) : { line: null, column: null };
    return { file, path: formatJsonPath(path), ...pos, message };
  };
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, issues: result.error.issues.flatMap(explainUnion).map((issue) => at(issue.path, issue.message)) };
  const more = check?.(result.data) ?? [];
  if (more.length > 0) return { ok: false, issues: more.map((i) => at(i.path, i.message)) };
  return { ok: true, value: result.data };
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * "Invalid input" on a union says nothing; the branch that got furthest into the value says what is wrong
 * (e.g. a step that is neither a forEach nor an action: report the action's problem).
 */
function explainUnion(issue: Issue): Issue[] {
  if (issue.code !== "invalid_union" || !issue.errors?.length) return [issue];
  const depth = (branch: Issue[]) => Math.max(...branch.map((i) => i.path.length));
  const best = [...issue.errors].filter((b) => b.length > 0).sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
  if (!best) return [issue];
  return best.flatMap((i) => explainUnion({ ...i, path: [...issue.path, ...i.path] }));
}

function describeParseError(e: ParseError): string {
  const code = printParseErrorCode(e.error);
  const words: Record<string, string> = {
    InvalidSymbol: "unexpected character",
    InvalidNumberFormat: "invalid number",
    PropertyNameExpected: "expected a property name in double quotes",
    ValueExpected: "expected a value",
    ColonExpected: "expected ':'",
    CommaExpected: "expected ',' (or a closing bracket)",
    CloseBraceExpected: "expected '}'",
    CloseBracketExpected: "expected ']'",
    EndOfFileExpected: "unexpected content after the end of the document",
    InvalidCommentToken: "comments are not allowed in JSON",
    UnexpectedEndOfComment: "unterminated comment",
    UnexpectedEndOfString: "unterminated string",
    UnexpectedEndOfNumber: "unterminated number",
    InvalidUnicode: "invalid unicode escape",
    InvalidEscapeCharacter: "invalid escape character",
    InvalidCharacter: "invalid character in string",
  };
  return words[code] ?? code;
}

export function loadConfigFile<N extends ConfigName>(dir: string, name: N): ParsedFile<z.output<(typeof CONFIG_FILES)[N]["schema"]>> {
  const { file, schema } = CONFIG_FILES[name];
  const full = join(dir, file);
  if (!existsSync(full)) {
    return { ok: false, issues: [{ file: full, path: "(file)", line: null, column: null, message: "file not found" }] };
  }
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (err) {
    return { ok: false, issues: [{ file: full, path: "(file)", line: null, column: null, message: `cannot read: ${(err as Error).message}` }] };
  }
  return parseConfigText(full, text, schema) as ParsedFile<z.output<(typeof CONFIG_FILES)[N]["schema"]>>;
}

export type RunbookCatalogue = { runbooks: RunbookDef[]; commands: CommandAllowList; dir: string };

export const RUNBOOKS_DIR = "runbooks";
export const COMMANDS_FILE = "commands.json";

/**
 * The runbook definitions in `<config dir>/runbooks/`: one runbook per `*.json` file, plus the command
 * allow-list in `commands.json`. Every reference inside a definition must resolve (parameters, commands).
 */
export function loadRunbooks(dir: string): ParsedFile<RunbookCatalogue> {
  // A config folder without runbooks/ (e.g. one holding only a fleet.json of real agents) gets the shipped ones.
  const own = join(dir, RUNBOOKS_DIR);
  const folder = existsSync(own) ? own : join(DEFAULT_CONFIG_DIR, RUNBOOKS_DIR);
  if (!existsSync(folder)) return { ok: true, value: { runbooks: [], commands: {}, dir: folder } };
  const read = (full: string): string | ConfigIssue => {
    try {
      return readFileSync(full, "utf8");
    } catch (err) {
      return { file: full, path: "(file)", line: null, column: null, message: `cannot read: ${(err as Error).message}` };
    }
  };
  const issues: ConfigIssue[] = [];
  let commands: CommandAllowList = {};
  const commandsPath = join(folder, COMMANDS_FILE);
  if (existsSync(commandsPath)) {
    const text = read(commandsPath);
    if (typeof text !== "string") issues.push(text);
    else {
      const parsed = parseConfigText(commandsPath, text, CommandAllowList);
      if (parsed.ok) commands = parsed.value;
      else issues.push(...parsed.issues);
    }
  }
  const runbooks: RunbookDef[] = [];
  const seen = new Map<string, string>();
  for (const name of readdirSync(folder).filter((f) => f.endsWith(".json") && f !== COMMANDS_FILE).sort()) {
    const full = join(folder, name);
    const text = read(full);
    if (typeof text !== "string") {
      issues.push(text);
      continue;
    }
    const parsed = parseConfigText(full, text, RunbookDef, (def) => checkDefinition(def, commands));
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    const other = seen.get(parsed.value.id);
    if (other) issues.push({ file: full, path: "id", line: null, column: null, message: `runbook id "${parsed.value.id}" is also used by ${other}` });
    seen.set(parsed.value.id, name);
    runbooks.push(parsed.value);
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: { runbooks, commands, dir: folder } };
}

export type OpsConfig = {
  dir: string;
  fleet: FleetConfig;
  monitoring: MonitoringConfig;
  backup: BackupConfig;
  governance: GovernanceRules;
  runbooks: RunbookCatalogue;
};

/** The one config loader: all four files and the runbook definitions, all problems at once. */
export function loadConfig(dir: string): OpsConfig {
  const fleet = loadConfigFile(dir, "fleet");
  const monitoring = loadConfigFile(dir, "monitoring");
  const backup = loadConfigFile(dir, "backup");
  const governance = loadConfigFile(dir, "governance");
  const runbooks = loadRunbooks(dir);
  const issues = [fleet, monitoring, backup, governance, runbooks].flatMap((r) => (r.ok ? [] : r.issues));
  if (fleet.ok && monitoring.ok) issues.push(...sloTargetIssues(join(dir, CONFIG_FILES.monitoring.file), monitoring.value, fleet.value));
  if (issues.length > 0 || !fleet.ok || !monitoring.ok || !backup.ok || !governance.ok || !runbooks.ok) throw new ConfigError(issues);
  return { dir, fleet: fleet.value, monitoring: monitoring.value, backup: backup.value, governance: governance.value, runbooks: runbooks.value };
}

/** A config SLO naming a target the fleet file does not have: the entry and the target named. */
export function sloTargetIssues(file: string, monitoring: MonitoringConfig, fleet: FleetConfig): ConfigIssue[] {
  const known = new Set(fleet.targets.map((t) => t.name));
  return monitoring.slos.flatMap((slo, i) =>
    slo.selector.type !== "targets"
      ? []
      : slo.selector.targets.flatMap((t, j) =>
          known.has(t)
            ? []
            : [{ file, path: `slos[${i}].selector.targets[${j}]`, line: null, column: null, message: `SLO "${slo.name}": no target "${t}" in the fleet file` }],
        ),
  );
}
