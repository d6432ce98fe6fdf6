/**
 * The `.learnings/` markdown files of the self-improving operations skill: LEARNINGS.md (LRN entries),
 * OPERATIONS_ISSUES.md (OPS entries) and FEATURE_REQUESTS.md (FEAT entries). This module reads them into
 * plain documents, writes documents back in the canonical layout, edits single fields, sections and
 * metadata lines, and says in words what is wrong with an entry. Nothing here performs I/O.
 *
 * An entry is
 *
 *     ## [LRN-20250415-001] incident_pattern
 *
 *     **Logged**: 2025-04-15T10:30:00Z
 *     **Priority**: high
 *     ...
 *
 *     ### Summary
 *     One line
 *
 *     ### Metadata
 *     - Source: incident
 *
 *     ---
 *
 * Reading is lossless for everything the document model holds (unknown fields, sections and metadata keys
 * are kept in order) and tolerant where that costs nothing: `Key: value` as well as `**Key**: value`
 * header fields, CRLF line endings, extra blank lines, trailing spaces (always trimmed). Lines inside
 * fenced code blocks are content, whatever they look like. Only the last `---` line of an entry is its
 * separator; any other `---` line is content of the section it stands in.
 *
 * Writing never lets entry text pass for structure: a section line that would read as an entry heading,
 * a `##`/`###` heading, a `---` rule or a code fence left open is written with a markdown backslash in
 * front (`\### x`), and reading takes it off again (see escapeSectionBody).
 */

import { LEARNING_AREAS, LEARNING_CATEGORIES, LEARNING_STATUSES, PRIORITIES, type LearningFileKind, type LearningType } from "@ops/contract";
import { SEVERITIES } from "./incidents.ts";

// The values of the seed's format are declared once, in the contract: the parser, the API and the dashboard's filters use these.
export { LEARNING_AREAS, LEARNING_CATEGORIES, LEARNING_STATUSES, LEARNING_TYPES, PRIORITIES } from "@ops/contract";
export type { LearningArea, LearningCategory, LearningFileKind, LearningStatus, LearningType, Priority } from "@ops/contract";

/** The three files and the preambles the skill's first-use `printf` lines create. */
export const LEARNING_FILES: Record<LearningFileKind, { file: string; type: LearningType; preamble: string }> = {
  learnings: {
    file: "LEARNINGS.md",
    type: "LRN",
    preamble:
      "# Operations Learnings\n\n" +
      "Process bottlenecks, incident patterns, capacity insights, automation gaps, and toil patterns captured during operations work.\n\n" +
      `Categories: ${LEARNING_CATEGORIES.join(" | ")}\n` +
      `Areas: ${LEARNING_AREAS.join(" | ")}\n\n` +
      "---\n",
  },
  "operations-issues": {
    file: "OPERATIONS_ISSUES.md",
    type: "OPS",
    preamble: "# Operations Issues Log\n\nIncidents, outages, SLA breaches, capacity problems, and automation failures.\n\n---\n",
  },
  "feature-requests": {
    file: "FEATURE_REQUESTS.md",
    type: "FEAT",
    preamble: "# Feature Requests\n\nOperations tooling, automation, monitoring, and process improvement requests.\n\n---\n",
  },
};

export type LearningDoc = {
  /** "LRN-20250415-001" */
  id: string;
  /** From the id's prefix. */
  type: LearningType;
  /** The text after "] " on the ## line: the category of a learning, the name of an issue or feature. */
  heading: string;
  /** The "**Key**: value" lines before the first ### section, in order. */
  fields: { key: string; value: string }[];
  /** "### Title" and its body (leading and trailing blank lines trimmed, inner text verbatim), in order. */
  sections: { title: string; body: string }[];
};
/** `line` is the 1-based line of the entry's ## heading. */
export type ParsedEntry = LearningDoc & { line: number };
export type MarkdownIssue = { line: number; id: string | null; message: string };

/** The shape of an id; validateEntry also checks that the date is a real calendar date. */
export const LEARNING_ID = /^(LRN|OPS|FEAT)-\d{8}-[A-Z0-9]{3}$/;

/** Header fields in their canonical order; any other field goes after them. */
const FIELD_ORDER = ["logged", "priority", "status", "promoted", "severity", "area"];
/** Sections in their canonical order per type; Resolution is always last. */
const SECTION_ORDER: Record<LearningType, string[]> = {
  LRN: ["summary", "details", "impact", "metrics", "suggested action", "metadata", "resolution"],
  OPS: ["summary", "timeline", "impact", "root cause", "mitigation", "prevention", "action items", "metadata", "resolution"],
  FEAT: ["requested capability", "user context", "complexity estimate", "suggested implementation", "metadata", "resolution"],
};

// ---------------------------------------------------------------------------------------------------------
// Lines

const LINE_BREAK = /\r\n|\r|\n/;
const trimEnd = (line: string) => line.replace(/[ \t]+$/, "");

/** Splits a file on any line ending, drops a leading BOM and the empty string after a final newline, trims trailing blanks. */
function splitLines(text: string): string[] {
  return splitBody(text.startsWith("\uFEFF") ? text.slice(1) : text);
}

/** splitLines for text inside a file, where a BOM is just a character. */
function splitBody(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map(trimEnd);
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a] === "") a++;
  while (b > a && lines[b - 1] === "") b--;
  return lines.slice(a, b);
}

/** A section body as it is written and read back: line endings unified, trailing blanks and blank edge lines gone. */
function normalizeBody(body: string): string {
  return trimBlankEdges(splitBody(body)).join("\n");
}

/** A heading, key, value or title as written on its one line: line breaks (and blanks around them) become one space. */
function oneLine(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((part) => part.replace(/^[ \t]+|[ \t]+$/g, ""))
    .filter((part) => part !== "")
    .join(" ")
    .trim();
}

/** A block of whole lines (the preamble): trailing blank lines dropped, ends with one newline unless empty. */
function normalizeBlock(lines: string[]): string {
  let b = lines.length;
  while (b > 0 && lines[b - 1] === "") b--;
  return b === 0 ? "" : lines.slice(0, b).join("\n") + "\n";
}

type LineKind = "blank" | "text" | "code" | "entry" | "h2" | "h3" | "rule";

// dotAll: a line can still hold U+2028 and U+2029, which "." would not take.
const ENTRY_HEADING = /^##[ \t]*\[([^\]]*)\](.*)$/s;
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/s;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

function kindOf(line: string): LineKind {
  if (line.trim() === "") return "blank";
  if (ENTRY_HEADING.test(line)) return "entry";
  if (/^###(?:[ \t]|$)/.test(line)) return "h3";
  if (/^##(?:[ \t]|\[|$)/.test(line)) return "h2";
  if (/^-{3,}$/.test(line)) return "rule";
  return "text";
}

/** The structural kind of every line; fenced code blocks (fences included) are "code". */
function classify(lines: readonly string[]): { kinds: LineKind[]; unclosedFence: number | null } {
  const kinds: LineKind[] = [];
  let fence: { char: string; len: number; at: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence !== null) {
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.len) fence = null;
      kinds.push("code");
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[1]![0] === "`" && open[2]!.includes("`"))) {
      fence = { char: open[1]![0]!, len: open[1]!.length, at: i };
      kinds.push("code");
      continue;
    }
    kinds.push(kindOf(line));
  }
  return { kinds, unclosedFence: fence === null ? null : fence.at };
}

// ---------------------------------------------------------------------------------------------------------
// Escaping

const STRUCTURE: readonly LineKind[] = ["entry", "h2", "h3", "rule"];
const ESCAPE_PARTS = /^([ \t]*)(\\*)(.*)$/s;

/** The opening fence of a code block as classify sees it (a backtick fence's info has no backtick), or null. */
function fenceOpening(line: string): { char: string; len: number } | null {
  const open = FENCE_OPEN.exec(line);
  if (!open || (open[1]![0] === "`" && open[2]!.includes("`"))) return null;
  return { char: open[1]![0]!, len: open[1]!.length };
}

function fenceClosing(lines: readonly string[], from: number, open: { char: string; len: number }): number | null {
  for (let j = from; j < lines.length; j++) {
    const close = FENCE_CLOSE.exec(lines[j]!);
    if (close && close[1]![0] === open.char && close[1]!.length >= open.len) return j;
  }
  return null;
}

/** Structure outside code: an entry heading, a `##` or `###` heading, a `---` rule, or anything fence-like. */
function isStructure(line: string): boolean {
  const t = trimEnd(line);
  return STRUCTURE.includes(kindOf(t)) || FENCE_OPEN.test(t);
}

/** Leading blanks, the backslashes after them, and whether the line without those backslashes is structure. */
function escapeParts(line: string): { blanks: string; slashes: number; rest: string; structure: boolean } {
  const [, blanks, slashes, rest] = ESCAPE_PARTS.exec(line)!;
  return { blanks: blanks!, slashes: slashes!.length, rest: rest!, structure: isStructure(blanks! + rest!) };
}

/** Each line of a text with the line break that ends it ("" for the last), so a text is rebuilt exactly. */
function linesWithBreaks(text: string): { lines: string[]; breaks: string[] } {
  const parts = text.split(/(\r\n|\r|\n)/);
  return { lines: parts.filter((_, i) => i % 2 === 0), breaks: [...parts.filter((_, i) => i % 2 === 1), ""] };
}

/**
 * Entry text as it is written into a section: every line outside a closed code block that the parser would
 * read as structure (`## [ID]`, `##`, `###`, `---`, an opening fence never closed) gets a markdown backslash
 * after its leading blanks, and so does every such line that already starts with backslashes, so that
 * unescapeSectionBody gives back the exact text. Closed code blocks are written as they are.
 */
export function escapeSectionBody(text: string): string {
  const { lines, breaks } = linesWithBreaks(text);
  const trimmed = lines.map(trimEnd);
  const out = [...lines];
  for (let i = 0; i < lines.length; i++) {
    const open = fenceOpening(trimmed[i]!);
    const close = open ? fenceClosing(trimmed, i + 1, open) : null;
    if (close !== null) {
      i = close;
      continue;
    }
    const p = escapeParts(lines[i]!);
    const escape = p.slashes > 0 ? p.structure : open !== null || STRUCTURE.includes(kindOf(trimmed[i]!));
    if (escape) out[i] = `${p.blanks}\\${lines[i]!.slice(p.blanks.length)}`;
  }
  return out.map((l, i) => l + breaks[i]!).join("");
}

/** The inverse of escapeSectionBody: one backslash comes off each escaped line outside code. */
export function unescapeSectionBody(text: string): string {
  const { lines, breaks } = linesWithBreaks(text);
  const { kinds } = classify(lines.map(trimEnd));
  return lines
    .map((line, i) => {
      if (kinds[i] === "code") return line;
      const p = escapeParts(line);
      return p.slashes > 0 && p.structure ? p.blanks + line.slice(p.blanks.length + 1) : line;
    })
    .map((l, i) => l + breaks[i]!)
    .join("");
}

type KeyValue = { key: string; value: string; bold: boolean };

/**
 * `**Key**: value`, `**Key:** value` or `Key: value`. In metadata lists the plain form needs a blank (or the
 * end of the line) after the colon, so that `- https://…` is not read as a key.
 */
function parseKeyValue(s: string, list: boolean): KeyValue | null {
  const bold = /^\*\*([^*\r\n]+?)\*\*[ \t]*:[ \t]*(.*)$/s.exec(s) ?? /^\*\*([^*\r\n]+?):\*\*[ \t]*(.*)$/s.exec(s);
  if (bold) {
    const key = bold[1]!.trim();
    return key === "" ? null : { key, value: bold[2]!.trim(), bold: true };
  }
  const plain = (list ? /^([^\s*:][^*:]*?)[ \t]*:(?:[ \t]+(.*))?$/s : /^([^\s*:][^*:]*?)[ \t]*:[ \t]*(.*)$/s).exec(s);
  return plain ? { key: plain[1]!.trim(), value: (plain[2] ?? "").trim(), bold: false } : null;
}

/** A header field line; a list bullet in front is tolerated. */
function headerField(line: string): KeyValue | null {
  return parseKeyValue(line.replace(/^[-*+][ \t]+/, ""), false);
}

/** The `- Key: value` lines of a metadata body, with their 0-based line in the body. Code blocks are skipped. */
function metadataItems(body: string): (KeyValue & { line: number })[] {
  const lines = splitLines(body);
  const { kinds } = classify(lines);
  const out: (KeyValue & { line: number })[] = [];
  lines.forEach((l, i) => {
    if (kinds[i] === "code") return;
    const m = /^[-*+][ \t]+(.*)$/s.exec(l);
    const kv = m ? parseKeyValue(m[1]!, true) : null;
    if (kv) out.push({ ...kv, line: i });
  });
  return out;
}

const norm = (s: string) => s.trim().toLowerCase();
const isOneOf = (values: readonly string[], v: string) => values.includes(v);

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

// ---------------------------------------------------------------------------------------------------------
// Validation

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** ISO-8601 date-time with seconds optional and a time zone required (Z or ±hh:mm). */
function isIsoDateTime(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/.exec(v);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, oh, om] = m;
  if (!isCalendarDate(Number(y), Number(mo), Number(d))) return false;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return false;
  return oh === undefined || (Number(oh) <= 23 && Number(om) <= 59);
}

type Where = { at: "entry" } | { at: "field"; index: number } | { at: "section"; index: number } | { at: "metadata"; section: number; line: number };
type Problem = { where: Where; message: string };

function fileOf(type: LearningType): string {
  return Object.values(LEARNING_FILES).find((f) => f.type === type)!.file;
}

/**
 * The problems of one entry. `structural` adds the checks that only matter for documents built in code:
 * things the parser can never produce but that would not survive being written and read back.
 */
function check(doc: LearningDoc, expected: LearningType | undefined, structural: boolean): Problem[] {
  const out: Problem[] = [];
  const atEntry = (message: string) => out.push({ where: { at: "entry" }, message });
  const atField = (index: number, message: string) => out.push({ where: { at: "field", index }, message });
  const atSection = (index: number, message: string) => out.push({ where: { at: "section", index }, message });

  const idMatch = LEARNING_ID.exec(doc.id);
  if (!idMatch) {
    atEntry(`id ${quote(doc.id)} is not TYPE-YYYYMMDD-XXX (TYPE one of LRN, OPS, FEAT; XXX three of A-Z, 0-9)`);
  } else {
    const digits = doc.id.split("-")[1]!;
    const [y, mo, d] = [digits.slice(0, 4), digits.slice(4, 6), digits.slice(6, 8)];
    if (!isCalendarDate(Number(y), Number(mo), Number(d))) atEntry(`id ${quote(doc.id)}: ${y}-${mo}-${d} is not a calendar date`);
    if (idMatch[1] !== doc.type) atEntry(`type ${doc.type} does not match the id prefix ${idMatch[1]}`);
  }
  if (expected !== undefined && doc.type !== expected) {
    atEntry(`${doc.type} entry in ${fileOf(expected)}, which holds ${expected} entries`);
  }

  if (doc.heading === "") atEntry(doc.type === "LRN" ? "no category after the id" : "no name after the id");
  else if (doc.type === "LRN" && !isOneOf(LEARNING_CATEGORIES, doc.heading)) {
    atEntry(`${quote(doc.heading)} is not a learning category (${LEARNING_CATEGORIES.join(", ")})`);
  }

  const fieldIndexes = (key: string) => doc.fields.flatMap((f, i) => (norm(f.key) === norm(key) ? [i] : []));
  const oneField = (key: string, required: boolean, allowed: ((v: string) => boolean) | null, expectation: string) => {
    const at = fieldIndexes(key);
    if (at.length === 0) {
      if (required) atEntry(`no ${key} field`);
      return;
    }
    if (at.length > 1) atField(at[1]!, `${key} is given ${at.length} times`);
    const value = doc.fields[at[0]!]!.value;
    if (allowed && !allowed(value)) atField(at[0]!, `${key} ${quote(value)} ${expectation}`);
  };
  const oneOf = (values: readonly string[]) => [(v: string) => isOneOf(values, v), `is not one of ${values.join(", ")}`] as const;
  oneField("Logged", true, isIsoDateTime, "is not an ISO-8601 date-time with a time zone (like 2025-04-15T10:30:00Z)");
  oneField("Priority", true, ...oneOf(PRIORITIES));
  oneField("Status", true, ...oneOf(LEARNING_STATUSES));
  oneField("Promoted", false, null, "");
  if (doc.type === "OPS") oneField("Severity", false, ...oneOf(SEVERITIES));
  else oneField("Severity", false, null, "");
  oneField("Area", true, ...oneOf(LEARNING_AREAS));

  const required = doc.type === "FEAT" ? "Requested Capability" : "Summary";
  const ri = doc.sections.findIndex((s) => norm(s.title) === norm(required));
  if (ri < 0) atEntry(`no "### ${required}" section`);
  else if (doc.sections[ri]!.body.trim() === "") atSection(ri, `the "### ${required}" section is empty`);

  const seenTitles = new Set<string>();
  doc.sections.forEach((s, i) => {
    if (s.title.trim() === "") atSection(i, `a "###" heading without a title`);
    else if (seenTitles.has(norm(s.title))) atSection(i, `the "### ${s.title.trim()}" section appears more than once`);
    seenTitles.add(norm(s.title));
  });

  const mi = doc.sections.findIndex((s) => norm(s.title) === "metadata");
  if (mi >= 0) {
    const seenKeys = new Set<string>();
    for (const item of metadataItems(doc.sections[mi]!.body)) {
      if (seenKeys.has(norm(item.key)))
        out.push({ where: { at: "metadata", section: mi, line: item.line }, message: `metadata ${item.key} is given more than once` });
      seenKeys.add(norm(item.key));
    }
  }

  // Section bodies always survive (formatEntry escapes them); one-line places lose their line breaks.
  if (structural) {
    if (/[\r\n]/.test(doc.heading)) atEntry("the heading has a line break");
    doc.fields.forEach((f, i) => {
      if (f.key.trim() === "" || f.key !== f.key.trim() || /[*\r\n]/.test(f.key))
        atField(i, `field key ${quote(f.key)} cannot be written as **Key** (empty, padded, or has * or a line break)`);
      if (/[\r\n]/.test(f.value)) atField(i, `field ${f.key} has a line break in its value`);
    });
    doc.sections.forEach((s, i) => {
      if (/[\r\n]/.test(s.title)) atSection(i, `section title ${quote(s.title)} has a line break`);
    });
  }
  return out;
}

/**
 * What is wrong with an entry, in words: a malformed id or one that is not a calendar date, a type other
 * than `expected`, missing or invalid Logged / Priority / Status / Area, an LRN heading that is not a
 * category, an OPS Severity other than P1–P4, no Summary (LRN, OPS) or Requested Capability (FEAT),
 * repeated known fields, sections or metadata keys, and anything that would not survive formatEntry and
 * parsing back (line breaks in the heading, keys, values or titles; a key with `*`). Section bodies always
 * survive: formatEntry escapes whatever in them looks like structure. An empty list means the entry is fine.
 */
export function validateEntry(doc: LearningDoc, expected?: LearningType): string[] {
  return check(doc, expected, true).map((p) => p.message);
}

// ---------------------------------------------------------------------------------------------------------
// Reading

/**
 * Reads one `.learnings/` file. Text before the first entry heading is the preamble (trailing blank lines
 * dropped). Every entry that has a `## [...]` heading is returned, valid or not; `issues` lists every problem
 * (see validateEntry), plus `## ` lines that are not entry headings, header lines that are not fields, ids
 * repeated within the file and code fences never closed, each with the most precise line known.
 */
export function parseLearningsMarkdown(text: string, expected?: LearningType): { preamble: string; entries: ParsedEntry[]; issues: MarkdownIssue[] } {
  const lines = splitLines(text);
  const { kinds, unclosedFence } = classify(lines);
  const heads: number[] = [];
  kinds.forEach((k, i) => {
    if (k === "entry") heads.push(i);
  });
  const idAt = (h: number) => ENTRY_HEADING.exec(lines[h]!)![1]!.trim();
  const enclosingId = (i: number): string | null => {
    let id: string | null = null;
    for (const h of heads) {
      if (h > i) break;
      id = idAt(h);
    }
    return id;
  };

  const issues: MarkdownIssue[] = [];
  kinds.forEach((k, i) => {
    if (k === "h2") issues.push({ line: i + 1, id: enclosingId(i), message: `${quote(lines[i]!)} is not an entry heading (## [TYPE-YYYYMMDD-XXX] name)` });
  });
  if (unclosedFence !== null) {
    issues.push({
      line: unclosedFence + 1,
      id: enclosingId(unclosedFence),
      message: "this code fence is never closed, so everything after it is read as code",
    });
  }

  const entries: ParsedEntry[] = [];
  const seen = new Map<string, number>();
  heads.forEach((h, n) => {
    const id = idAt(h);
    const heading = ENTRY_HEADING.exec(lines[h]!)![2]!.trim();
    const prefix = /^(LRN|OPS|FEAT)-/.exec(id)?.[1] as LearningType | undefined;
    const type: LearningType = prefix ?? expected ?? "LRN";

    let end = heads[n + 1] ?? lines.length;
    while (end > h + 1 && lines[end - 1] === "") end--;
    if (end > h + 1 && kinds[end - 1] === "rule") end--;

    const fields: LearningDoc["fields"] = [];
    const fieldLines: number[] = [];
    let i = h + 1;
    for (; i < end && kinds[i] !== "h3"; i++) {
      if (lines[i] === "" || kinds[i] === "h2") continue;
      const kv = kinds[i] === "text" ? headerField(lines[i]!) : null;
      if (kv) {
        fields.push({ key: kv.key, value: kv.value });
        fieldLines.push(i + 1);
      } else {
        issues.push({ line: i + 1, id, message: `${quote(lines[i]!)} is neither a "**Key**: value" field nor a "### " section heading` });
      }
    }

    const sections: LearningDoc["sections"] = [];
    const sectionLines: number[] = [];
    const bodyStarts: number[] = [];
    while (i < end) {
      const title = lines[i]!.slice(3).trim();
      let j = i + 1;
      while (j < end && kinds[j] !== "h3") j++;
      let a = i + 1;
      while (a < j && lines[a] === "") a++;
      sections.push({ title, body: unescapeSectionBody(trimBlankEdges(lines.slice(a, j)).join("\n")) });
      sectionLines.push(i + 1);
      bodyStarts.push(a + 1);
      i = j;
    }

    const doc: LearningDoc = { id, type, heading, fields, sections };
    for (const p of check(doc, expected, false)) {
      const w = p.where;
      const line =
        w.at === "field" ? fieldLines[w.index]! : w.at === "section" ? sectionLines[w.index]! : w.at === "metadata" ? bodyStarts[w.section]! + w.line : h + 1;
      issues.push({ line, id, message: p.message });
    }
    const first = seen.get(id);
    if (first !== undefined) issues.push({ line: h + 1, id, message: `id ${id} is already used by the entry at line ${first}` });
    else seen.set(id, h + 1);

    entries.push({ ...doc, line: h + 1 });
  });

  issues.sort((x, y) => x.line - y.line);
  return { preamble: normalizeBlock(lines.slice(0, heads[0] ?? lines.length)), entries, issues };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/**
 * A document as formatEntry writes it and parsing reads it back: id, heading, keys, values and titles on one
 * line and trimmed, bodies normalized (line endings unified, trailing blanks and blank edge lines gone).
 */
export function normalizeDoc(doc: LearningDoc): LearningDoc {
  return {
    id: oneLine(doc.id),
    type: doc.type,
    heading: oneLine(doc.heading),
    fields: doc.fields.map((f) => ({ key: oneLine(f.key), value: oneLine(f.value) })),
    sections: doc.sections.map((s) => ({ title: oneLine(s.title), body: normalizeBody(s.body) })),
  };
}

/**
 * The canonical text of one entry, ending with "---\n": always exactly one entry, which parses back to
 * normalizeDoc(doc) when validateEntry finds nothing structural. Bodies are escaped (escapeSectionBody).
 */
export function formatEntry(doc: LearningDoc): string {
  const d = normalizeDoc(doc);
  const out = [`## [${d.id}]${d.heading === "" ? "" : ` ${d.heading}`}`, ""];
  if (d.fields.length > 0) {
    for (const f of d.fields) out.push(`**${f.key}**:${f.value === "" ? "" : ` ${f.value}`}`);
    out.push("");
  }
  for (const s of d.sections) {
    out.push(s.title === "" ? "###" : `### ${s.title}`);
    if (s.body !== "") out.push(escapeSectionBody(s.body));
    out.push("");
  }
  out.push("---");
  return out.join("\n") + "\n";
}

/**
 * A whole file: the preamble (by default the one the skill creates for `kind`), then the entries, each
 * preceded by a blank line. Parsing the result gives back the preamble and entries.
 */
export function formatLearningsMarkdown(kind: LearningFileKind, entries: LearningDoc[], preamble?: string): string {
  const head = normalizeBlock(splitLines(preamble ?? LEARNING_FILES[kind].preamble));
  const parts = entries.map(formatEntry);
  return (head === "" ? parts : [head, ...parts]).join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// Reading and editing parts of a document

/** The value of the first header field with this key (case-insensitive), or null. */
export function field(doc: LearningDoc, key: string): string | null {
  return doc.fields.find((f) => norm(f.key) === norm(key))?.value ?? null;
}

/** Where a new item of rank r goes: after the last known item ranked lower, else before the first ranked higher, else first. */
function rankedIndex(ranks: (number | null)[], r: number): number {
  let lastLower = -1;
  let firstHigher = -1;
  ranks.forEach((x, i) => {
    if (x === null) return;
    if (x < r) lastLower = i;
    else if (x > r && firstHigher < 0) firstHigher = i;
  });
  if (lastLower >= 0) return lastLower + 1;
  return firstHigher >= 0 ? firstHigher : 0;
}

function insertAt<T>(items: T[], index: number, item: T): T[] {
  return [...items.slice(0, index), item, ...items.slice(index)];
}

/**
 * Sets a header field. An existing field (case-insensitive) is replaced in place and keeps its key's
 * spelling; later duplicates are dropped. A new field goes to its canonical position (Logged, Priority,
 * Status, Promoted, Severity, Area), any other key after all fields. null removes every field with that key.
 */
export function withField(doc: LearningDoc, key: string, value: string | null): LearningDoc {
  const k = norm(key);
  const at = doc.fields.findIndex((f) => norm(f.key) === k);
  if (value === null) return { ...doc, fields: doc.fields.filter((f) => norm(f.key) !== k) };
  const v = value.trim();
  if (at >= 0) {
    return { ...doc, fields: doc.fields.flatMap((f, i) => (norm(f.key) !== k ? [f] : i === at ? [{ key: f.key, value: v }] : [])) };
  }
  const r = FIELD_ORDER.indexOf(k);
  const item = { key: key.trim(), value: v };
  if (r < 0) return { ...doc, fields: [...doc.fields, item] };
  const ranks = doc.fields.map((f) => {
    const x = FIELD_ORDER.indexOf(norm(f.key));
    return x < 0 ? null : x;
  });
  return { ...doc, fields: insertAt(doc.fields, rankedIndex(ranks, r), item) };
}

/** The body of the first section with this title (case-insensitive), or null. */
export function section(doc: LearningDoc, title: string): string | null {
  return doc.sections.find((s) => norm(s.title) === norm(title))?.body ?? null;
}

/**
 * Sets a section's body (normalized like the parser does). An existing section is replaced in place and
 * keeps its title's spelling; later duplicates are dropped. A new section goes to its canonical position
 * for the entry's type; Resolution goes last, unknown titles just before Resolution (or last). null removes.
 */
export function withSection(doc: LearningDoc, title: string, body: string | null): LearningDoc {
  const t = norm(title);
  if (body === null) return { ...doc, sections: doc.sections.filter((s) => norm(s.title) !== t) };
  const b = normalizeBody(body);
  const at = doc.sections.findIndex((s) => norm(s.title) === t);
  if (at >= 0) {
    return { ...doc, sections: doc.sections.flatMap((s, i) => (norm(s.title) !== t ? [s] : i === at ? [{ title: s.title, body: b }] : [])) };
  }
  const item = { title: title.trim(), body: b };
  if (t === "resolution") return { ...doc, sections: [...doc.sections, item] };
  const order = SECTION_ORDER[doc.type];
  const r = order.indexOf(t);
  if (r < 0) {
    const res = doc.sections.findIndex((s) => norm(s.title) === "resolution");
    return { ...doc, sections: insertAt(doc.sections, res >= 0 ? res : doc.sections.length, item) };
  }
  const ranks = doc.sections.map((s) => {
    const x = order.indexOf(norm(s.title));
    return x < 0 ? null : x;
  });
  return { ...doc, sections: insertAt(doc.sections, rankedIndex(ranks, r), item) };
}

/** The `- Key: value` (or `- **Key**: value`) lines of the ### Metadata section, in order; other lines are skipped. */
export function metadata(doc: LearningDoc): { key: string; value: string }[] {
  const body = section(doc, "Metadata");
  return body === null ? [] : metadataItems(body).map(({ key, value }) => ({ key, value }));
}

/**
 * Sets a metadata line. An existing line (case-insensitive key) is rewritten in place, keeping its key's
 * spelling and bold style; later duplicates are dropped. A new key is added as `- Key: value` after the
 * last metadata line (the Metadata section is created if missing). A value is one line: line breaks in it
 * become spaces. null removes every line with that key.
 */
export function withMetadata(doc: LearningDoc, key: string, value: string | null): LearningDoc {
  const body = section(doc, "Metadata");
  const k = norm(key);
  const v = value === null ? null : value.trim().replace(/[ \t]*[\r\n]+[ \t]*/g, " ");
  if (body === null) return v === null ? doc : withSection(doc, "Metadata", `- ${key.trim()}:${v === "" ? "" : ` ${v}`}`);
  const lines = splitLines(body);
  const items = metadataItems(body);
  const matching = items.filter((it) => norm(it.key) === k);
  const line = (kv: { key: string; bold: boolean }, text: string) => `- ${kv.bold ? `**${kv.key}**` : kv.key}:${text === "" ? "" : ` ${text}`}`;
  let next: string[];
  if (v === null) {
    const drop = new Set(matching.map((it) => it.line));
    next = lines.filter((_, i) => !drop.has(i));
  } else if (matching.length > 0) {
    const [first, ...rest] = matching;
    const drop = new Set(rest.map((it) => it.line));
    next = lines.flatMap((l, i) => (drop.has(i) ? [] : i === first!.line ? [line(first!, v)] : [l]));
  } else {
    let at = items.length > 0 ? items[items.length - 1]!.line + 1 : lines.length;
    while (items.length > 0 && at < lines.length && /^[ \t]+\S/.test(lines[at]!)) at++; // continuation lines of the last item
    next = insertAt(lines, at, line({ key: key.trim(), bold: false }, v));
  }
  return withSection(doc, "Metadata", next.join("\n"));
}
