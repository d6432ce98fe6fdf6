import type { CaseAction, CaseView, DiagnosisCandidate } from "@ops/contract";
import { redactText, scrubText } from "./redact.ts";

export type { CaseAction };

/** A case as the doctor matches it: the contract's case without its statistics. */
export type Case = Pick<CaseView, "id" | "title" | "errorCode" | "signature" | "keywords" | "requires" | "exitCodes" | "solution" | "actions">;

/** Colour codes (ESC [ … letter), built from a string so the source holds no control character. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

/** A case that fitted the evidence and what it matched on: the contract's diagnosis candidate. */
export type CaseMatch = DiagnosisCandidate;

export function successRate(attempts: number, successes: number): number | null {
  return attempts === 0 ? null : Math.round((successes / attempts) * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------------------
// Evidence: what the doctor reads about one failing gateway.

/**
 * The evidence about one failing process. (Named DoctorEvidence because `Evidence` is the learnings' evidence
 * in this package.)
 */
export type DoctorEvidence = {
  /** How the process last ended, when the driver knows (process supervisor, simulator). */
  exit: { code: number | null; signal: string | null } | null;
  /**
   * The failing process's own output, chronological: console lines like "2026-…Z [gateway] text" (with
   * untimestamped continuation lines), or JSONL lines of the gateway's file log; at most the last ~200 lines
   * since it last started.
   */
  output: string[];
  /** The probe verdict, e.g. "connection refused", "starting: startup-sidecars". */
  probe: string | null;
  /** The detectors' findings, e.g. "event loop degraded: p99 2300 ms". */
  findings: string[];
};

type Level = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | null;
/** One log record: a first line and the continuation lines that belong to it. */
type Entry = { level: Level; lines: string[]; timestamped: boolean };

const TIME_PREFIX = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\s+/;
const SUBSYSTEM_PREFIX = /^(\[[\w./:@-]+\]\s*)+/;

function jsonRecord(line: string): Entry | null {
  if (!line.startsWith("{") || !line.endsWith("}")) return null;
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const meta = (j._meta ?? {}) as { logLevelName?: unknown };
  let text = typeof j.message === "string" ? j.message : null;
  if (text === null) {
    // tslog: "0" is the subsystem ({"subsystem":"gateway"}) or the first argument; the rest are arguments.
    const parts: string[] = [];
    for (let i = 0; typeof j[String(i)] === "string"; i++) {
      const p = j[String(i)] as string;
      if (i === 0 && /^\{"subsystem":/.test(p)) continue;
      parts.push(p);
    }
    text = parts.length ? parts.join(" ") : typeof j.msg === "string" ? j.msg : null;
  }
  if (text === null) return null;
  // Subsystem records repeat the subsystem as a prefix ("gateway: Control UI asset retention failed: …").
  const subsystem = typeof j["0"] === "string" ? /^\{"subsystem":"([^"]+)"\}$/.exec(j["0"])?.[1] : undefined;
  if (subsystem && text.startsWith(`${subsystem}: `)) text = text.slice(subsystem.length + 2);
  const name = typeof meta.logLevelName === "string" ? meta.logLevelName.toLowerCase() : typeof j.level === "string" ? j.level.toLowerCase() : null;
  const level: Level = name && ["trace", "debug", "info", "warn", "error", "fatal"].includes(name) ? (name as Level) : null;
  return { level, lines: text.split(/\r?\n/), timestamped: true };
}

/**
 * A line that carries on the record above it rather than starting a new one: the console timestamps only the
 * first line of a multi-line message, so an untimestamped line after a timestamped record belongs to it, as do
 * indented lines, list items, stack frames and the lines after one ending in ":". Otherwise a line that reads
 * like a headline of its own (an error class, "Gateway failed to start") starts a new record.
 */
function isContinuation(line: string, previous: Entry | undefined): boolean {
  if (!previous || previous.lines.length === 0) return false;
  if (/^\s+at\s/.test(line)) return true;
  const last = previous.lines[previous.lines.length - 1] ?? "";
  if (/:\s*$/.test(last)) return true; // "Invalid config at …:" introduces its detail lines
  if (HEADLINE.test(line.trim())) return false;
  return previous.timestamped || /^\s+\S/.test(line) || /^[-×│|]\s/.test(line);
}

/** Split output into records: JSONL lines, timestamped console lines, and their continuation lines. */
function entries(output: readonly string[]): Entry[] {
  const out: Entry[] = [];
  for (const raw of output) {
    const line = raw.replace(ANSI, "").replace(/\s+$/, "");
    if (!line.trim()) continue;
    const json = jsonRecord(line.trim());
    if (json) {
      out.push(json);
      continue;
    }
    const timestamped = TIME_PREFIX.test(line);
    // "Port 8001 is already in use." is followed by "- pid 4963 root: …" items, each with its own timestamp.
    const listItem = timestamped && /^-\s/.test(line.replace(TIME_PREFIX, ""));
    if ((listItem || !timestamped) && isContinuation(listItem ? line.replace(TIME_PREFIX, "") : line, out[out.length - 1])) {
      out[out.length - 1]!.lines.push(line.trim());
      continue;
    }
    out.push({ level: null, lines: [line.trim()], timestamped });
  }
  return out;
}

/** The frame of the boxed notes the CLI prints ("◇  Doctor changes ───╮", "│  text  │"). */
const BOX = /^[\s│├╮╯◇─┌└┐┘╭╰┤┬┴┼]+/;
const BOX_END = /[\s│├╮╯◇─┌└┐┘╭╰┤┬┴┼]+$/;

/** A line's text without its timestamp and "[subsystem]" prefixes. */
function bare(line: string): string {
  return line.replace(TIME_PREFIX, "").replace(BOX, "").replace(SUBSYSTEM_PREFIX, "").replace(BOX_END, "").trim();
}

/** What a failure says: error words, error classes, errno codes. */
const FAILURE_WORDS =
  /\b(fatal|errors?|failed|failure|exception|refused|refusing|blocked|missing config|invalid|unrecognized|cannot|can't|could not|unable|denied|no space|timed out|already in use|in use|contention|crash(ed)?|panic|abort(ed)?|out of memory|oom|unreachable|rate limit|lease|stale|degraded|not ready|exceeded|out-of-range)\b|\bhttp 5\d\d\b|\b429\b/i;
/** Error classes and errno codes, case-sensitive: "SyntaxError", "EADDRINUSE" (not "extensions"). */
const ERROR_NAMES = /\b[A-Z][A-Za-z]*(Error|Exception)\b|\bE[A-Z]{3,}\b/;
const FAILURE = { test: (s: string) => FAILURE_WORDS.test(s) || ERROR_NAMES.test(s) };

/**
 * Ordinary start-up and shut-down chatter of a healthy gateway, even when it sounds alarming: the offline model
 * catalog refresh (every offline start), config audit notes, slow SQLite notices, the shutdown sequence (with
 * "update check readiness wait failed: GatewayDrainingError" when a SIGTERM comes soon after ready).
 */
const CHATTER: RegExp[] = [
  /remote model catalog refresh failed/i,
  /getaddrinfo (ENOTFOUND|EAI_AGAIN)/i,
  /^config write audit:/i,
  /slow sqlite transaction/i,
  /GatewayDrainingError|gateway is draining/i, // work refused while it stops after a SIGTERM
  /^(loading configuration|resolving authentication|starting\b|ready$|http server listening|log file:|agent model:|startup outcomes:|shutdown budget|spawn broker ready|starting http server|starting channels|skipping channel start)/i,
  /^(received SIG[A-Z]+|closed: stop|active-work drain|gmail watcher stopped|completed cleanly|shutting down)/i,
];

/** Advice the gateway prints under a failure ("Run … to repair", "If startup is still blocked, …"): not a symptom. */
const ADVICE = /^(run|re-run|if|see|try|set|hint|use|pass|inspect|check)\b/i;

const isChatter = (text: string) => CHATTER.some((re) => re.test(text));

/**
 * The failure lines of one record, or none when it is chatter. A record that opens with chatter or advice is
 * read again from its next line, so a failure glued under a chatter line is not lost.
 */
function failureLinesOf(e: Entry): string[] {
  if (e.level === "trace" || e.level === "debug" || e.level === "info") return [];
  const lines = e.lines.map(bare).filter((l) => l && !/^at\s/.test(l));
  const [first, ...rest] = lines;
  if (!first) return [];
  if (isChatter(first) || ADVICE.test(first)) return failureLinesOf({ ...e, lines: rest });
  const details = rest.filter((l) => !ADVICE.test(l) && !isChatter(l));
  const telling = FAILURE.test(first) || e.level === "error" || e.level === "fatal" || details.some((l) => FAILURE.test(l));
  return telling ? [first, ...details] : [];
}

/**
 * Lines that differ only in names and numbers are kept once (the first), with a count of the others: a refused
 * start-up migration lists ~40 "- Migration step "x" was not run because prior step "y" refused execution."
 * lines. Exact repeats (the console prints a failure twice) are dropped.
 */
function collapseSimilar(lines: string[]): string[] {
  const groups = new Map<string, { line: string; distinct: Set<string> }>();
  for (const l of lines) {
    const key = normaliseFailureLine(l);
    const g = groups.get(key);
    if (g) g.distinct.add(l);
    else groups.set(key, { line: l, distinct: new Set([l]) });
  }
  return [...groups.values()].map((g) => (g.distinct.size > 1 ? `${g.line} (and ${g.distinct.size - 1} more like it)` : g.line));
}

/**
 * The lines that describe the failure, most recent record first (a record's own detail lines stay under its
 * first line); ordinary start-up chatter (INFO lines, "loading configuration…", "http server listening", plugin
 * lists, "remote model catalog refresh failed … ENOTFOUND" which happens on every offline start) never counts.
 * Timestamps and "[subsystem]" prefixes are dropped, repeats are kept once ("… (and 39 more like it)"), secrets
 * are redacted.
 */
export function failureLines(e: DoctorEvidence): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries(e.output).reverse()) {
    const lines = failureLinesOf(entry).map((l) => redactText(l));
    const key = lines.join("\n");
    if (!lines.length || seen.has(key)) continue; // the console and the file log often say it twice
    seen.add(key);
    out.push(...lines);
  }
  return collapseSimilar(out);
}

function exitText(exit: DoctorEvidence["exit"]): string | null {
  if (!exit) return null;
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code !== null) return exit.code === 78 ? "exit 78 (EX_CONFIG)" : `exit ${exit.code}`;
  return null;
}

/** What is stored and shown to a person: "exit 78" / "killed by SIGKILL" first, then failure lines most recent first, then the probe verdict. */
export function evidenceText(e: DoctorEvidence): string {
  const parts: string[] = [];
  const exit = exitText(e.exit);
  if (exit) parts.push(exit);
  const lines = failureLines(e);
  if (lines.length) parts.push(...lines);
  else parts.push(e.output.length ? `no failure text in the last ${e.output.length} lines of output` : "no output");
  if (e.probe) parts.push(`probe: ${e.probe}`);
  for (const f of e.findings) parts.push(`finding: ${f}`);
  return scrubText(parts.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------
// Signatures

/**
 * A failure line with what changes between occurrences removed: timestamps and "[subsystem]" prefixes, line:col
 * positions; URLs, addresses, paths, file names, durations, ids, hex, quoted values and numbers (pids, ports)
 * become placeholders; lower-case. Idempotent.
 */
export function normaliseFailureLine(line: string): string {
  return bare(line)
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, "<time>")
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s|,;)]+/gi, "<url>")
    .replace(/\[[0-9a-f]*:[0-9a-f:]*\](:\d+)?|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|\blocalhost:\d+\b/gi, "<addr>")
    .replace(/(\s+at)?(\s+line)?\s+\d+:\d+\b/gi, "")
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, "<value>")
    .replace(/(?<![\w-])(?:<state>|~|\.{1,2})?(?:\/[\w.@+%=-]+)+\/?/g, "<path>")
    .replace(/\b[\w.-]+\.(json5?|m?js|cjs|ts|log|sqlite|db|lock|ya?ml|bak)(:\d+)*\b/gi, "<file>")
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>")
    .replace(/\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b|\b\d{12,}\b/gi, "<id>")
    .replace(/\b(conn|connid|id|bootid|requestid|req|session|run|trace)=(?!<)[^\s,;)]+/gi, "$1=<id>")
    .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|secs|seconds|m|min|mins|minutes|h|hours)\b/gi, "<dur>")
    .replace(/\b\d+(\.\d+)?\b/g, "<n>")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s:.,;…]+$/, "")
    .toLowerCase();
}

/** Headline lines: the gateway's own summary of why it stopped. */
const HEADLINE_WORDS = /gateway failed to start|start blocked|^missing config\b|^invalid --|refusing to|^fatal|uncaught|unhandled/i;
const HEADLINE = { test: (s: string) => HEADLINE_WORDS.test(s) || ERROR_NAMES.test(s) };

/**
 * A normalised signature of the most telling failure line: the most recent headline (when it ends with ":" it
 * introduces details, and its first detail line is added, so "Invalid config at …: <detail>" tells a parse error
 * from a schema error), else the most recent failure line.
 */
export function signatureOf(e: DoctorEvidence): string | null {
  const records = entries(e.output)
    .reverse()
    .map(failureLinesOf)
    .filter((l) => l.length > 0);
  if (!records.length) return null;
  const headline = records.find((r) => HEADLINE.test(r[0]!)) ?? records[0]!;
  let line = FAILURE.test(headline[0]!) ? headline[0]! : (headline.find((l) => FAILURE.test(l)) ?? headline[0]!);
  const next = headline[headline.indexOf(line) + 1];
  if (/:\s*$/.test(line) && next) line = `${line} ${next}`;
  const sig = normaliseFailureLine(redactText(line));
  return sig || null;
}

// ---------------------------------------------------------------------------------------------------------
// Diagnosis

export type Diagnosis = {
  signature: string | null;
  /** match: act on `best`; unsure: candidates but none clearly enough (a tie, or too weak); none: no candidate. */
  verdict: "match" | "unsure" | "none";
  best: CaseMatch | null;
  candidates: CaseMatch[];
  why: string;
};

/** A score below this is too weak to act on. */
export const DIAGNOSIS_THRESHOLD = 0.6;
/** Two best scores closer than this are a tie. */
export const DIAGNOSIS_MARGIN = 0.1;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function hasTerm(text: string, term: string): boolean {
  const t = term.trim().toLowerCase();
  if (!t) return false;
  return new RegExp(`(^|[^a-z0-9])${escapeRe(t)}($|[^a-z0-9])`).test(text);
}
/** The alternative of a required term ("a|b") that the text holds, if any. */
const requiredHit = (text: string, term: string) => term.split("|").find((alt) => hasTerm(text, alt)) ?? null;

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Score one case against the failure text. With required terms: all present → 0.6 (just enough to act: they are
 * the case's distinguishing words) + 0.25 × the share of keywords found (+ 0.1 when the exit code is one of the
 * case's); any missing → 0. Without required terms: 0.7 × the share of keywords found (+ 0.1 for the exit code),
 * and no keyword at all → 0. The exit code never scores alone, and a text match stays at or below 0.95: only an
 * exact signature reaches 1.0.
 */
function scoreCase(c: Case, text: string, exitCode: number | null): CaseMatch | null {
  const requires = c.requires ?? [];
  const matched: string[] = [];
  for (const term of requires) {
    const hit = requiredHit(text, term);
    if (!hit) return null;
    matched.push(hit.trim().toLowerCase());
  }
  const keywords = c.keywords.filter((k) => k.trim());
  const found = keywords.filter((k) => hasTerm(text, k));
  for (const k of found) if (!matched.includes(k.toLowerCase())) matched.push(k.toLowerCase());
  const share = keywords.length ? found.length / keywords.length : requires.length ? 1 : 0;
  if (!requires.length && found.length === 0) return null;
  const exitFits = exitCode !== null && (c.exitCodes ?? []).includes(exitCode);
  if (exitFits) matched.push(`exit ${exitCode}`);
  const confidence = (requires.length ? 0.6 + 0.25 * share : 0.7 * share) + (exitFits ? 0.1 : 0);
  return { caseId: c.id, confidence: round2(Math.min(confidence, 0.95)), matched };
}

/**
 * Diagnose evidence against the case library. An exact signature is confidence 1.0; otherwise each case is
 * scored from the failure lines (plus the probe verdict and findings, never chatter). The best is a "match"
 * only when it reaches DIAGNOSIS_THRESHOLD and leads the next by DIAGNOSIS_MARGIN; otherwise "unsure".
 */
export function diagnose(e: DoctorEvidence, cases: readonly Case[]): Diagnosis {
  const signature = signatureOf(e);
  const lines = failureLines(e);
  const text = [...lines, ...(e.probe ? [`probe: ${e.probe}`] : []), ...e.findings].join("\n").toLowerCase();
  const exitCode = e.exit?.code ?? null;
  const candidates: CaseMatch[] = [];
  for (const c of cases) {
    if (signature && c.signature && (c.signature === signature || normaliseFailureLine(c.signature) === signature)) {
      candidates.push({ caseId: c.id, confidence: 1, matched: ["signature"] });
      continue;
    }
    if (!lines.length && !e.findings.length && !e.probe) continue;
    const m = scoreCase(c, text, exitCode);
    if (m && m.confidence > 0) candidates.push(m);
  }
  candidates.sort((a, b) => b.confidence - a.confidence || a.caseId.localeCompare(b.caseId));
  const [best, second] = candidates;
  const describe = (m: CaseMatch) => `${m.caseId} ${m.confidence} (${m.matched.join(", ")})`;
  if (!best) {
    const why = lines.length ? `no case fits the failure lines${signature ? ` (signature "${signature}")` : ""}` : "no failure text to go on";
    return { signature, verdict: "none", best: null, candidates, why };
  }
  if (second && best.confidence - second.confidence < DIAGNOSIS_MARGIN) {
    return { signature, verdict: "unsure", best, candidates, why: `tie: ${describe(best)} and ${describe(second)} are within ${DIAGNOSIS_MARGIN}` };
  }
  if (best.confidence < DIAGNOSIS_THRESHOLD) {
    return { signature, verdict: "unsure", best, candidates, why: `too weak: ${describe(best)} is below ${DIAGNOSIS_THRESHOLD}` };
  }
  const how = best.matched[0] === "signature" ? `${best.caseId}: exact signature` : describe(best);
  return { signature, verdict: "match", best, candidates, why: `${how}${second ? `; next ${describe(second)}` : ""}` };
}

// ---------------------------------------------------------------------------------------------------------
// Failures a restart cannot fix

/**
 * Failures a restart cannot fix, to send to the doctor at once: state-database contention (another process owns
 * the state dir, or the start lost its state lease; both exit 78 too), EADDRINUSE (another process holds the
 * port), and config errors (exit 78, EX_CONFIG, or the gateway's own config messages with another exit code,
 * e.g. "Invalid --bind" exits 1). Other exit-78 failures (an unreadable state database) are reported as "config",
 * the gateway's own EX_CONFIG class, with the telling line as the reason.
 */
export function deterministicFailure(e: DoctorEvidence): { kind: "config" | "port-in-use" | "state-contention"; reason: string } | null {
  const lines = failureLines(e);
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const contention = find(/StateDatabaseCoordinatorContentionError|another OpenClaw process owns/i);
  if (contention) return { kind: "state-contention", reason: contention };
  // A start starved of CPU loses its state lease and refuses its migrations (exit 78 too): not a config error.
  const lease = find(/lease .*was lost|lease heartbeat did not become ready/i);
  if (lease) return { kind: "state-contention", reason: lease };
  const port = find(/EADDRINUSE|already in use/i);
  if (port) return { kind: "port-in-use", reason: port };
  const config = find(/invalid config at|start blocked|^missing config\b|json5 parse failed|^invalid --/i);
  if (e.exit?.code === 78) return { kind: "config", reason: `exit 78 (EX_CONFIG)${(config ?? lines[0]) ? `: ${config ?? lines[0]}` : ""}` };
  if (config) return { kind: "config", reason: config };
  return null;
}
