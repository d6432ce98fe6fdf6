import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  LEARNING_AREAS,
  LEARNING_CATEGORIES,
  LEARNING_FILES,
  LEARNING_ID,
  LEARNING_STATUSES,
  LEARNING_TYPES,
  PRIORITIES as PRIORITY_VALUES,
  escapeSectionBody,
  field,
  formatEntry,
  formatLearningsMarkdown,
  metadata,
  normalizeDoc,
  parseLearningsMarkdown,
  section,
  unescapeSectionBody,
  validateEntry,
  withField,
  withMetadata,
  withSection,
  type LearningDoc,
  type LearningFileKind,
  type LearningType,
  type MarkdownIssue,
  type ParsedEntry,
} from "./learnings-markdown.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/learnings/", import.meta.url));
const KINDS = Object.keys(LEARNING_FILES) as LearningFileKind[];

function fixture(kind: LearningFileKind): string {
  return readFileSync(FIXTURES + LEARNING_FILES[kind].file, "utf8");
}

function docs(entries: ParsedEntry[]): LearningDoc[] {
  return entries.map(({ line: _line, ...doc }) => doc);
}

/** The 1-based line of the first line at or after `from` that contains `needle`. */
function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split("\n");
  for (let i = from - 1; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`not found: ${needle}`);
}

function messagesById(issues: MarkdownIssue[]): Map<string | null, string[]> {
  const out = new Map<string | null, string[]>();
  for (const i of issues) out.set(i.id, [...(out.get(i.id) ?? []), i.message]);
  return out;
}

const sorted = (xs: string[]) => [...xs].sort();

// A small valid entry of each type, written out canonically, for the focused tests.
const LRN_TEXT = `## [LRN-20250415-001] incident_pattern

**Logged**: 2025-04-15T10:30:00Z
**Priority**: high
**Status**: pending
**Area**: monitoring

### Summary
Same alert fired 60 times a day

### Details
Alert fatigue on the disk monitor.

Second paragraph.

### Metadata
- Source: monitoring
- **Environment**: production
- Tags: alerts, noise

---
`;

const OPS_TEXT = `## [OPS-20250415-A3F] api_outage

**Logged**: 2025-04-15T02:10:00Z
**Priority**: critical
**Status**: pending
**Severity**: P1
**Area**: incident_management

### Summary
API down

### Timeline
| Time (UTC) | Event |
|---|---|
| 02:10 | Issue detected |

---
`;

const FEAT_TEXT = `## [FEAT-20250415-002] cert_renewal

**Logged**: 2025-04-15T11:20:00Z
**Priority**: medium
**Status**: pending
**Area**: automation

### Requested Capability
Renew certificates automatically

---
`;

function one(text: string): LearningDoc {
  const parsed = parseLearningsMarkdown(text);
  expect(parsed.issues).toEqual([]);
  expect(parsed.entries).toHaveLength(1);
  return docs(parsed.entries)[0]!;
}

describe("constants", () => {
  it("has the preambles the skill's printf lines create", () => {
    expect(LEARNING_FILES.learnings).toEqual({
      file: "LEARNINGS.md",
      type: "LRN",
      preamble:
        "# Operations Learnings\n\nProcess bottlenecks, incident patterns, capacity insights, automation gaps, and toil patterns captured during operations work.\n\nCategories: process_bottleneck | incident_pattern | capacity_issue | automation_gap | sla_breach | toil_accumulation\nAreas: incident_management | change_management | capacity_planning | automation | monitoring | runbooks | on_call\n\n---\n",
    });
    expect(LEARNING_FILES["operations-issues"]).toEqual({
      file: "OPERATIONS_ISSUES.md",
      type: "OPS",
      preamble: "# Operations Issues Log\n\nIncidents, outages, SLA breaches, capacity problems, and automation failures.\n\n---\n",
    });
    expect(LEARNING_FILES["feature-requests"]).toEqual({
      file: "FEATURE_REQUESTS.md",
      type: "FEAT",
      preamble: "# Feature Requests\n\nOperations tooling, automation, monitoring, and process improvement requests.\n\n---\n",
    });
  });

  it.each(KINDS)("a freshly initialised %s file parses to its preamble and nothing else, and formats back", (kind) => {
    const { preamble } = LEARNING_FILES[kind];
    expect(parseLearningsMarkdown(preamble, LEARNING_FILES[kind].type)).toEqual({ preamble, entries: [], issues: [] });
    expect(formatLearningsMarkdown(kind, [])).toBe(preamble);
  });

  it("LEARNING_ID accepts the seed's examples and rejects near misses", () => {
    for (const id of ["LRN-20250415-001", "OPS-20250415-A3F", "FEAT-20250415-002", "LRN-20250101-A7B"]) expect(LEARNING_ID.test(id)).toBe(true);
    for (const id of [
      "ERR-20250415-001",
      "LRN-2025041-001",
      "LRN-20250415-01",
      "LRN-20250415-0011",
      "lrn-20250415-001",
      "LRN-20250415-a7b",
      "LRN_20250415_001",
      " LRN-20250415-001",
    ]) {
      expect(LEARNING_ID.test(id)).toBe(false);
    }
  });
});

describe("fixtures", () => {
  it.each(KINDS)("%s parses without issues and formats back to the identical text", (kind) => {
    const text = fixture(kind);
    const parsed = parseLearningsMarkdown(text, LEARNING_FILES[kind].type);
    expect(parsed.issues).toEqual([]);
    expect(parsed.preamble).toBe(LEARNING_FILES[kind].preamble);
    expect(formatLearningsMarkdown(kind, parsed.entries, parsed.preamble)).toBe(text);
    expect(formatLearningsMarkdown(kind, parsed.entries)).toBe(text);
    const again = parseLearningsMarkdown(formatLearningsMarkdown(kind, docs(parsed.entries)), LEARNING_FILES[kind].type);
    expect(docs(again.entries)).toEqual(docs(parsed.entries));
    for (const e of parsed.entries) {
      expect(text.split("\n")[e.line - 1]).toBe(`## [${e.id}] ${e.heading}`);
      expect(e.type).toBe(LEARNING_FILES[kind].type);
      expect(validateEntry(e, e.type)).toEqual([]);
      expect(formatEntry(e)).toBe(
        text
          .split("\n")
          .slice(e.line - 1)
          .join("\n")
          .split("\n---\n")[0] + "\n---\n",
      );
    }
  });

  it.each(KINDS)("%s read as the wrong file reports every entry as misplaced", (kind) => {
    const wrong: LearningType = LEARNING_FILES[kind].type === "LRN" ? "OPS" : "LRN";
    const text = fixture(kind);
    const parsed = parseLearningsMarkdown(text, wrong);
    expect(parsed.entries.length).toBeGreaterThan(0);
    for (const e of parsed.entries) {
      expect(parsed.issues).toContainEqual({
        line: e.line,
        id: e.id,
        message: `${e.type} entry in ${wrong === "OPS" ? "OPERATIONS_ISSUES.md" : "LEARNINGS.md"}, which holds ${wrong} entries`,
      });
    }
  });

  it("LEARNINGS.md holds the two promotion examples, a resolved and a wont_fix learning", () => {
    const { entries } = parseLearningsMarkdown(fixture("learnings"), "LRN");
    expect(entries.map((e) => [e.id, e.heading, field(e, "status")])).toEqual([
      ["LRN-20250110-001", "incident_pattern", "promoted"],
      ["LRN-20250212-002", "toil_accumulation", "promoted"],
      ["LRN-20250301-003", "sla_breach", "resolved"],
      ["LRN-20250415-001", "capacity_issue", "pending"],
      ["LRN-20250418-A7B", "process_bottleneck", "wont_fix"],
    ]);
    const [pool, certs, slo, storage, cab] = entries as [ParsedEntry, ParsedEntry, ParsedEntry, ParsedEntry, ParsedEntry];
    expect(pool.fields.map((f) => f.key)).toEqual(["Logged", "Priority", "Status", "Promoted", "Area"]);
    expect(field(pool, "Promoted")).toBe("runbook (Database connection pool exhaustion recovery)");
    expect(field(certs, "PROMOTED")).toBe("automation backlog (cert-manager with Let's Encrypt)");
    expect(pool.sections.map((s) => s.title)).toEqual(["Summary", "Details", "Impact", "Metrics", "Suggested Action", "Metadata"]);
    expect(section(pool, "Details")).toContain("\n\nThis is the third occurrence");
    expect(section(pool, "suggested action")).toContain('   ```bash\n   kubectl patch job/monthly-etl -p \'{"spec":{"parallelism":2}}\'\n   ```');
    expect(section(pool, "Impact")).toBe(
      "- Blast Radius: steward API and every dashboard page backed by it\n- Duration: 38 minutes of elevated 503s\n- Error Budget Consumed: 22% of the monthly availability budget",
    );
    expect(metadata(pool).map((m) => m.key)).toEqual([
      "Source",
      "Environment",
      "Service",
      "Related Alerts",
      "Tags",
      "See Also",
      "Pattern-Key",
      "Recurrence-Count",
      "First-Seen",
      "Last-Seen",
      "Skill",
    ]);
    expect(metadata(pool).find((m) => m.key === "Pattern-Key")?.value).toBe("incident_pattern.connection_pool");
    expect(section(certs, "Suggested Action")).toContain("saves 45 hours a year");
    expect(section(slo, "Resolution")).toBe(
      "- **Resolved**: 2025-03-04T16:20:00Z\n- **Postmortem**: PM-2025-007\n- **Notes**: Added burn-rate alerts for the P99 latency SLO; removed the P50 alert",
    );
    expect(slo.sections.at(-1)!.title).toBe("Resolution");
    expect(section(storage, "Details")).toContain("| Month | Used | Growth |\n|---|---|---|\n| January | 40% | - |");
    expect(field(cab, "Logged")).toBe("2025-04-18T09:12:00+02:00");
    expect(section(cab, "Resolution")).toContain("Risk accepted");
  });

  it("OPERATIONS_ISSUES.md holds a full timeline table and action items", () => {
    const { entries } = parseLearningsMarkdown(fixture("operations-issues"), "OPS");
    expect(entries.map((e) => [e.id, field(e, "Severity"), field(e, "Status")])).toEqual([
      ["OPS-20250415-A3F", "P1", "resolved"],
      ["OPS-20250417-001", "P3", "in_progress"],
      ["OPS-20250420-B2C", "P4", "wont_fix"],
    ]);
    const outage = entries[0]!;
    expect(outage.fields.map((f) => f.key)).toEqual(["Logged", "Priority", "Status", "Severity", "Area"]);
    expect(outage.sections.map((s) => s.title)).toEqual([
      "Summary",
      "Timeline",
      "Impact",
      "Root Cause",
      "Mitigation",
      "Prevention",
      "Action Items",
      "Metadata",
      "Resolution",
    ]);
    expect(section(outage, "Timeline")).toBe(
      [
        "| Time (UTC) | Event |",
        "|---|---|",
        "| 02:10 | Issue detected: pg-pool-saturation fired |",
        "| 02:14 | Incident declared (P1), incident commander assigned |",
        "| 02:31 | Root cause identified: monthly-etl holding 44 of 50 connections |",
        "| 02:38 | Mitigated: monthly-etl parallelism patched to 2 |",
        "| 02:49 | Restored: API error rate back under 0.1% |",
      ].join("\n"),
    );
    expect(section(outage, "Action Items")!.split("\n")).toEqual([
      "- [x] Patch monthly-etl parallelism to 2 (dba-oncall, 2025-04-15)",
      "- [ ] Deploy PgBouncer with a separate batch pool (platform, 2025-05-15)",
      "- [ ] Lower the pg-pool-saturation threshold to 80% (observability, 2025-04-22)",
    ]);
    expect(metadata(outage).slice(0, 5)).toEqual([
      { key: "Trigger", value: "alert" },
      { key: "Environment", value: "production" },
      { key: "Services Affected", value: "steward, fleet-dashboard" },
      { key: "Related Incidents", value: "OPS-20250110-001" },
      { key: "DORA Metrics Impact", value: "mttr" },
    ]);
    expect(section(outage, "Mitigation")).toMatch(/^```bash\n/);
  });

  it("FEATURE_REQUESTS.md holds the FEAT template's sections", () => {
    const { entries } = parseLearningsMarkdown(fixture("feature-requests"), "FEAT");
    expect(entries.map((e) => e.id)).toEqual(["FEAT-20250402-001", "FEAT-20250415-002", "FEAT-20250422-C9D"]);
    const certs = entries[1]!;
    expect(certs.sections.map((s) => s.title)).toEqual(["Requested Capability", "User Context", "Complexity Estimate", "Suggested Implementation", "Metadata"]);
    expect(section(certs, "Complexity Estimate")).toBe("medium");
    expect(section(certs, "Suggested Implementation")).toContain("```yaml\napiVersion: cert-manager.io/v1");
    expect(metadata(certs)).toEqual([
      { key: "Frequency", value: "recurring" },
      { key: "Related Features", value: "runbook rotate-certs, tls-cert-expiry-14d alert" },
    ]);
    expect(section(entries[2]!, "Resolution")).toContain("Won't fix");
  });
});

// ---------------------------------------------------------------------------------------------------------
// Generated entries

type Rand = { int(n: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T; shuffle<T>(xs: T[]): T[] };

/** mulberry32 */
function rand(seed: number): Rand {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r: Rand = {
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (xs) => xs[r.int(xs.length)]!,
    shuffle: (xs) => {
      const a = [...xs];
      for (let i = a.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a;
    },
  };
  return r;
}

const WORDS = [
  "pool",
  "latency",
  "batch",
  "kubectl",
  "PgBouncer",
  "café",
  "naïve",
  "Ünïcödé",
  "日本語",
  "中文字符",
  "emoji🚀",
  "🔥",
  "שלום",
  "Ωmega",
  "«quoted»",
  "x|y",
  "[brackets]",
  "#hash",
  "**bold**",
  "`code`",
  "a:b",
  "50%",
  "—",
  "…",
  "p99",
];
const CATEGORIES = ["process_bottleneck", "incident_pattern", "capacity_issue", "automation_gap", "sla_breach", "toil_accumulation"];
const PRIORITIES = ["low", "medium", "high", "critical"];
const STATUSES = ["pending", "in_progress", "resolved", "wont_fix", "promoted", "promoted_to_skill"];
const AREAS = ["incident_management", "change_management", "capacity_planning", "automation", "monitoring", "runbooks", "on_call"];
const UNKNOWN_FIELDS = ["Owner", "Runbook-Ref", "Reviewed By", "Équipe", "Ticket", "On-Call Shift", "Cost (USD)", "jira_key"];
const SECTIONS: Record<LearningType, string[]> = {
  LRN: ["Summary", "Details", "Impact", "Metrics", "Suggested Action", "Metadata", "Resolution"],
  OPS: ["Summary", "Timeline", "Impact", "Root Cause", "Mitigation", "Prevention", "Action Items", "Metadata", "Resolution"],
  FEAT: ["Requested Capability", "User Context", "Complexity Estimate", "Suggested Implementation", "Metadata", "Resolution"],
};
const UNKNOWN_SECTIONS = ["Notes", "Follow-up", "Références", "Open Questions 🤔", "Risk Assessment"];
const META_KEYS: Record<LearningType, string[]> = {
  LRN: ["Source", "Environment", "Service", "Related Alerts", "Tags", "See Also", "Pattern-Key", "Recurrence-Count", "First-Seen", "Last-Seen", "Skill"],
  OPS: ["Trigger", "Environment", "Services Affected", "Related Incidents", "DORA Metrics Impact", "Pattern-Key", "Skill"],
  FEAT: ["Frequency", "Related Features", "Skill"],
};
const UNKNOWN_META = ["Skill-Path", "Owner Team", "Commit/PR", "Ticket №"];
const IN_FENCE = [
  "## [LRN-20250101-001] incident_pattern",
  "## [OPS-20250415-A3F] fake_entry",
  "---",
  "### Summary",
  "**Status**: pending",
  "",
  "## not an entry",
  "| --- |",
  "# h1",
  "- Fake: metadata",
];

const pad = (n: number) => String(n).padStart(2, "0");
const words = (r: Rand, min: number, max: number) => Array.from({ length: min + r.int(max - min + 1) }, () => r.pick(WORDS)).join(" ");
const date = (r: Rand) => `${2024 + r.int(3)}-${pad(1 + r.int(12))}-${pad(1 + r.int(28))}`;
const logged = (r: Rand) => `${date(r)}T${pad(r.int(24))}:${pad(r.int(60))}:${pad(r.int(60))}${r.pick(["Z", "Z", ".123Z", "+02:00", "-05:30"])}`;

function fence(r: Rand): string {
  const tilde = r.chance(0.3);
  const open = tilde ? "~~~" : r.pick(["```", "````"]);
  const extra = tilde ? ["```", "```bash"] : open === "````" ? ["```", "~~~"] : ["~~~"];
  const inner = Array.from({ length: 1 + r.int(5) }, () => r.pick([...IN_FENCE, ...extra, words(r, 1, 5)]));
  return [open + r.pick(["", "bash", "sql", "markdown"]), ...inner, open].join("\n");
}

function block(r: Rand): string {
  switch (r.int(11)) {
    case 0:
      return Array.from({ length: 1 + r.int(3) }, () => words(r, 2, 9)).join("\n");
    case 1:
      return Array.from({ length: 1 + r.int(4) }, () => (r.chance(0.2) ? "  - " : "- ") + words(r, 1, 6)).join("\n");
    case 2:
      return Array.from({ length: 1 + r.int(4) }, (_, i) => `${i + 1}. ${words(r, 1, 6)}`).join("\n");
    case 3:
      return [
        "| Time (UTC) | Event |",
        r.pick(["|---|---|", "| --- | :---: |"]),
        ...Array.from({ length: 1 + r.int(3) }, () => `| ${pad(r.int(24))}:${pad(r.int(60))} | ${words(r, 1, 4)} |`),
      ].join("\n");
    case 4:
    case 5:
      return fence(r);
    case 6:
      return r.pick(["---", "-----"]);
    case 7:
      return `> ${words(r, 2, 8)}`;
    case 8:
      return `#### ${words(r, 1, 3)}`;
    case 9:
      return r.pick(["**Logged**: not a field here", "- **Resolved**: 2025-01-16T09:00:00Z", "Status: pending", "**Status**: pending"]);
    default:
      return `    indented code ${words(r, 1, 3)}`;
  }
}

function body(r: Rand): string {
  return Array.from({ length: 1 + r.int(4) }, () => block(r)).reduce((acc, b) => `${acc}${r.chance(0.15) ? "\n\n\n" : "\n\n"}${b}`);
}

function metadataBody(r: Rand, type: LearningType): { body: string; items: { key: string; value: string }[] } {
  const keys = r.shuffle([...META_KEYS[type], ...UNKNOWN_META]).slice(0, 1 + r.int(6));
  const items: { key: string; value: string }[] = [];
  const lines: string[] = [];
  for (const key of keys) {
    const value = r.chance(0.1) ? "" : words(r, 1, 5);
    items.push({ key, value });
    lines.push(`- ${r.chance(0.3) ? `**${key}**` : key}:${value === "" ? "" : ` ${value}`}`);
    if (r.chance(0.1)) lines.push(`  continued ${words(r, 1, 3)}`);
    if (r.chance(0.08)) lines.push("", "```", "- Fake: not metadata", "```", "");
  }
  if (r.chance(0.2)) lines.push("", `Notes ${words(r, 1, 4)}`);
  return { body: lines.join("\n").replace(/\n+$/, ""), items };
}

type Generated = { doc: LearningDoc; valid: boolean; meta: { key: string; value: string }[] };

const MUTATIONS: ((d: LearningDoc, r: Rand) => LearningDoc)[] = [
  (d) => withField(d, "Priority", "urgent"),
  (d) => withField(d, "Status", "done"),
  (d) => withField(d, "Area", "network"),
  (d, r) => withField(d, "Logged", r.pick(["yesterday", "2025-02-29T10:00:00Z", "2025-04-15 10:30", "2025-04-15T10:30:00", "2025-04-15T24:00:00Z"])),
  (d, r) => withField(d, r.pick(["Logged", "Priority", "Status", "Area"]), null),
  (d) => ({ ...d, heading: d.type === "LRN" ? "network_blip" : "" }),
  (d) => (d.type === "OPS" ? withField(d, "Severity", "SEV1") : d),
  (d) => withSection(d, d.type === "FEAT" ? "Requested Capability" : "Summary", null),
  (d) => withSection(d, d.type === "FEAT" ? "Requested Capability" : "Summary", ""),
  (d) => ({ ...d, id: d.id.replace(/-(\d{4})\d{4}-/, "-$10231-") }),
  (d) => ({ ...d, id: `${d.id.slice(0, -3)}a_1` }),
  (d) => ({ ...d, fields: [...d.fields, { key: "Status", value: "pending" }] }),
];

function generate(seed: number, count: number): Generated[] {
  const r = rand(seed);
  const ids = new Set<string>();
  const out: Generated[] = [];
  while (out.length < count) {
    const type = r.pick(["LRN", "OPS", "FEAT"] as const);
    const id = `${type}-${date(r).replaceAll("-", "")}-${Array.from({ length: 3 }, () => r.pick([..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"])).join("")}`;
    if (ids.has(id)) continue;
    const heading = type === "LRN" ? r.pick(CATEGORIES) : words(r, 1, 4).replaceAll(" ", r.pick(["_", " "]));

    const known: [string, string][] = [
      [r.chance(0.1) ? "logged" : "Logged", logged(r)],
      ["Priority", r.pick(PRIORITIES)],
      ["Status", r.pick(STATUSES)],
      ["Area", r.pick(AREAS)],
    ];
    if (r.chance(0.3)) known.push(["Promoted", `${r.pick(["runbook", "postmortem", "automation backlog", "SLO definition"])} (${words(r, 1, 4)})`]);
    if (type === "OPS" && r.chance(0.8)) known.push(["Severity", r.pick(["P1", "P2", "P3", "P4"])]);
    const unknown = r
      .shuffle(UNKNOWN_FIELDS)
      .slice(0, r.int(3))
      .map((k): [string, string] => [k, r.chance(0.15) ? "" : words(r, 1, 6)]);
    const fields = [...known, ...unknown].map(([key, value]) => ({ key, value }));

    const titles = SECTIONS[type].filter((t, i) => i === 0 || (t !== "Resolution" && r.chance(0.5)));
    titles.push(...UNKNOWN_SECTIONS.filter(() => r.chance(0.15)));
    const ordered = r.chance(0.6) ? r.shuffle(titles) : titles;
    if (r.chance(0.3)) ordered.push("Resolution");
    let meta: { key: string; value: string }[] = [];
    const sections = ordered.map((title) => {
      if (title === "Metadata") {
        const m = metadataBody(r, type);
        meta = m.items;
        return { title, body: m.body };
      }
      if (title === "Resolution") return { title, body: `- **Resolved**: ${logged(r)}\n- **Notes**: ${words(r, 1, 8)}` };
      return { title, body: title !== SECTIONS[type][0] && r.chance(0.1) ? "" : body(r) };
    });

    let doc: LearningDoc = { id, type, heading, fields: r.chance(0.7) ? r.shuffle(fields) : fields, sections };
    const valid = r.chance(0.85);
    if (!valid) {
      for (let n = 1 + r.int(2); n > 0; n--) doc = r.pick(MUTATIONS)(doc, r);
      if (ids.has(doc.id)) continue;
    }
    ids.add(doc.id);
    out.push({ doc, valid, meta });
  }
  return out;
}

/** Writes a doc the way a careless hand or agent might: plain or bulleted fields, padding, odd separators. */
function sloppy(doc: LearningDoc, r: Rand): string[] {
  const out: string[] = [];
  const blanks = () => {
    for (let n = r.int(3); n > 0; n--) out.push(r.pick(["", " ", "\t"]));
  };
  out.push(`##${r.pick([" ", "  ", ""])}[${doc.id}]${r.pick([" ", "   "])}${doc.heading}`);
  blanks();
  for (const f of doc.fields) {
    const v = f.value === "" ? "" : ` ${f.value}`;
    out.push(r.pick([`**${f.key}**:${v}`, `${f.key}:${v}`, `- **${f.key}**:${v}`, `**${f.key}:**${v}`, `${f.key} :  ${f.value}`, `- ${f.key}:${v}`]));
    if (r.chance(0.2)) out.push("");
  }
  blanks();
  for (const s of doc.sections) {
    out.push(`###${r.pick([" ", "  "])}${s.title}`);
    blanks();
    if (s.body !== "") out.push(...s.body.split("\n"));
    blanks();
  }
  const last = doc.sections.at(-1)?.body.split("\n").at(-1) ?? "";
  if (/^-{3,}$/.test(last) || r.chance(0.8)) out.push(r.pick(["---", "---", "----", "-----"]));
  blanks();
  return out;
}

const GENERATED = generate(20250415, 200);
const byType = (type: LearningType) => GENERATED.filter((g) => g.doc.type === type).map((g) => g.doc);

function expectIssuesMatchValidation(issues: MarkdownIssue[], entries: LearningDoc[], expected?: LearningType) {
  const got = messagesById(issues);
  for (const d of entries) expect(sorted(got.get(d.id) ?? []), d.id).toEqual(sorted(validateEntry(d, expected)));
  expect([...got.keys()].every((id) => entries.some((d) => d.id === id))).toBe(true);
}

describe("generated entries", () => {
  it("cover what they are meant to cover", () => {
    expect(GENERATED).toHaveLength(200);
    const text = GENERATED.map((g) => formatEntry(g.doc)).join("\n");
    for (const needle of [
      "\n```\n",
      "\n~~~",
      "\n## [LRN-20250101-001] incident_pattern\n",
      "\n---\n",
      "\n### Summary\n",
      "|---|---|",
      "\n\n\n",
      "    indented",
      "日本語",
      "Open Questions 🤔",
      "\n- **",
    ]) {
      expect(text).toContain(needle);
    }
    const types = new Set(GENERATED.map((g) => g.doc.type));
    expect(types).toEqual(new Set(["LRN", "OPS", "FEAT"]));
    const valid = GENERATED.filter((g) => g.valid).length;
    expect(valid).toBeGreaterThan(150);
    expect(valid).toBeLessThan(200);
    expect(GENERATED.some((g) => g.doc.sections.some((s) => s.body === ""))).toBe(true);
    expect(GENERATED.some((g) => g.doc.fields.some((f) => f.value === ""))).toBe(true);
  });

  it("valid ones validate clean and invalid ones do not", () => {
    for (const g of GENERATED) {
      const problems = validateEntry(g.doc, g.doc.type);
      if (g.valid) expect(problems, g.doc.id).toEqual([]);
      else expect(problems.length, g.doc.id).toBeGreaterThan(0);
    }
  });

  it("each survives formatEntry and parsing back, with the same problems", () => {
    for (const { doc } of GENERATED) {
      const text = formatEntry(doc);
      expect(text.endsWith("\n---\n")).toBe(true);
      const parsed = parseLearningsMarkdown(text);
      expect(parsed.preamble).toBe("");
      expect(docs(parsed.entries)).toEqual([doc]);
      expect(parsed.entries[0]!.line).toBe(1);
      expectIssuesMatchValidation(parsed.issues, [doc]);
    }
  });

  it.each(KINDS)("a %s file of them round-trips, and its issues are exactly the entries' problems", (kind) => {
    const { type, preamble } = LEARNING_FILES[kind];
    const entries = byType(type);
    expect(entries.length).toBeGreaterThan(40);
    const text = formatLearningsMarkdown(kind, entries);
    const parsed = parseLearningsMarkdown(text, type);
    expect(parsed.preamble).toBe(preamble);
    expect(docs(parsed.entries)).toEqual(entries);
    expect(formatLearningsMarkdown(kind, parsed.entries, parsed.preamble)).toBe(text);
    expectIssuesMatchValidation(parsed.issues, entries, type);
    const lines = text.split("\n");
    for (const e of parsed.entries) expect(lines[e.line - 1]!.startsWith(`## [${e.id}]`)).toBe(true);
  });

  it("all 200 in one file without a preamble round-trip", () => {
    const entries = GENERATED.map((g) => g.doc);
    const text = formatLearningsMarkdown("learnings", entries, "");
    expect(text.startsWith("## [")).toBe(true);
    const parsed = parseLearningsMarkdown(text);
    expect(parsed.preamble).toBe("");
    expect(docs(parsed.entries)).toEqual(entries);
    expectIssuesMatchValidation(parsed.issues, entries);
  });

  it("metadata() reads exactly the generated metadata lines", () => {
    let seen = 0;
    for (const g of GENERATED) {
      expect(metadata(g.doc), g.doc.id).toEqual(g.meta);
      seen += g.meta.length;
    }
    expect(seen).toBeGreaterThan(100);
  });

  it.each([1, 2, 3])("sloppy renderings (seed %i) parse to the same docs: plain fields, CRLF, padding, trailing spaces, odd separators", (seed) => {
    const r = rand(seed);
    for (const kind of KINDS) {
      const { type, preamble } = LEARNING_FILES[kind];
      const entries = byType(type);
      const lines = [...preamble.split("\n").slice(0, -1), "", ""];
      for (const d of entries) lines.push(...sloppy(d, r));
      const padded = lines.map((l) => (r.chance(0.2) ? l + r.pick([" ", "  ", "\t", " \t "]) : l));
      let text = padded.join(r.pick(["\n", "\r\n"]));
      if (r.chance(0.5)) text += "\n";
      if (r.chance(0.3)) text = `\uFEFF${text}`;
      const parsed = parseLearningsMarkdown(text, type);
      expect(parsed.preamble).toBe(preamble);
      expect(docs(parsed.entries)).toEqual(entries);
      expectIssuesMatchValidation(parsed.issues, entries, type);
      expect(formatLearningsMarkdown(kind, parsed.entries, parsed.preamble)).toBe(formatLearningsMarkdown(kind, entries));
    }
  });

  it("trailing spaces in a document are trimmed the same way the parser trims them", () => {
    for (const { doc } of GENERATED.slice(0, 50)) {
      const messy: LearningDoc = {
        ...doc,
        heading: `${doc.heading}  `,
        fields: doc.fields.map((f) => ({ key: ` ${f.key}`, value: `${f.value} \t` })),
        sections: doc.sections.map((s) => ({
          title: `${s.title} `,
          body: `\n  \n${s.body
            .split("\n")
            .map((l) => `${l}  `)
            .join("\r\n")}\n\n`,
        })),
      };
      expect(formatEntry(messy)).toBe(formatEntry(doc));
      expect(docs(parseLearningsMarkdown(formatEntry(messy)).entries)).toEqual([doc]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Tolerant input

describe("tolerant input", () => {
  const canonical = one(LRN_TEXT);

  it.each([
    ["plain Key: value fields", LRN_TEXT.replace(/^\*\*(\w+)\*\*:/gm, "$1:")],
    ["bulleted fields", LRN_TEXT.replace(/^\*\*(\w+)\*\*:/gm, "- **$1**:")],
    ["colon inside the bold", LRN_TEXT.replace(/^\*\*(\w+)\*\*:/gm, "**$1:**")],
    ["CRLF line endings", LRN_TEXT.replaceAll("\n", "\r\n")],
    [
      "extra blank lines",
      `\n\n${LRN_TEXT.replace("incident_pattern\n", "incident_pattern\n\n\n")
        .replace("**Priority**", "\n**Priority**")
        .replaceAll("### ", "\n\n### ")
        .replaceAll(/^(### .*)$/gm, "$1\n\n")
        .replace("---\n", "\n---\n\n\n")}`,
    ],
    ["trailing spaces", LRN_TEXT.replaceAll("\n", "   \n")],
    ["no final newline", LRN_TEXT.slice(0, -1)],
    ["no separator", LRN_TEXT.slice(0, -"---\n".length)],
    ["a longer separator", LRN_TEXT.replace(/---\n$/, "-----\n\n\n")],
    ["a byte order mark", `\uFEFF${LRN_TEXT}`],
    [
      "no blank line after the heading and between sections",
      LRN_TEXT.replace("001] incident_pattern\n\n", "001] incident_pattern\n").replaceAll("\n\n### ", "\n### "),
    ],
  ])("%s parse to the canonical doc", (_name, text) => {
    const parsed = parseLearningsMarkdown(text, "LRN");
    expect(parsed.issues).toEqual([]);
    expect(docs(parsed.entries)).toEqual([canonical]);
    expect(formatEntry(parsed.entries[0]!)).toBe(LRN_TEXT);
  });

  it("keeps unknown header fields, sections and metadata keys in order", () => {
    const text = LRN_TEXT.replace("**Area**: monitoring\n", "**Owner**: sre-team\n**Area**: monitoring\n**Reviewed By**: Zoë\n")
      .replace("### Details", "### Notes\nfree text\n\n### Details")
      .replace("- Tags: alerts, noise", "- Tags: alerts, noise\n- Skill-Path: skills/disk-alerts\n- Owner Team: sre");
    const d = one(text);
    expect(d.fields.map((f) => f.key)).toEqual(["Logged", "Priority", "Status", "Owner", "Area", "Reviewed By"]);
    expect(d.sections.map((s) => s.title)).toEqual(["Summary", "Notes", "Details", "Metadata"]);
    expect(metadata(d).map((m) => m.key)).toEqual(["Source", "Environment", "Tags", "Skill-Path", "Owner Team"]);
    expect(formatEntry(d)).toBe(text);
  });

  it("a --- table row, a --- inside a code fence and a --- rule in a body are content; only the last --- ends the entry, and a body's --- is written escaped", () => {
    const text = `## [OPS-20250415-A3F] api_outage

**Logged**: 2025-04-15T02:10:00Z
**Priority**: critical
**Status**: pending
**Area**: incident_management

### Summary
API down

---

still the summary

### Mitigation
\`\`\`
---
## [OPS-20250101-001] not_an_entry
### Not a section
\`\`\`
after the fence
---

---
`;
    const d = one(text);
    expect(d.sections).toEqual([
      { title: "Summary", body: "API down\n\n---\n\nstill the summary" },
      { title: "Mitigation", body: "```\n---\n## [OPS-20250101-001] not_an_entry\n### Not a section\n```\nafter the fence\n---" },
    ]);
    const written = text.replace("API down\n\n---", "API down\n\n\\---").replace("after the fence\n---", "after the fence\n\\---");
    expect(formatEntry(d)).toBe(written);
    expect(one(written)).toEqual(d);
  });

  it("heading, field and section edge cases round-trip", () => {
    const d: LearningDoc = {
      id: "OPS-20250415-A3F",
      type: "OPS",
      heading: "[bracketed] name ] with a bracket",
      fields: [
        { key: "Logged", value: "" },
        { key: "Note", value: "a: b: c **bold** `code`" },
      ],
      sections: [
        { title: "", body: "" },
        { title: "Summary", body: "  indented first line\n\n\n\tthird after two blanks" },
      ],
    };
    const text = formatEntry(d);
    expect(text).toBe(
      "## [OPS-20250415-A3F] [bracketed] name ] with a bracket\n\n**Logged**:\n**Note**: a: b: c **bold** `code`\n\n###\n\n### Summary\n  indented first line\n\n\n\tthird after two blanks\n\n---\n",
    );
    expect(docs(parseLearningsMarkdown(text).entries)).toEqual([d]);
    expect(formatEntry({ ...d, heading: "", fields: [], sections: [] })).toBe("## [OPS-20250415-A3F]\n\n---\n");
    expect(docs(parseLearningsMarkdown("## [OPS-20250415-A3F]\n\n---\n").entries)).toEqual([{ ...d, heading: "", fields: [], sections: [] }]);
  });

  it("an empty text and a text without entries have no entries", () => {
    expect(parseLearningsMarkdown("")).toEqual({ preamble: "", entries: [], issues: [] });
    expect(parseLearningsMarkdown("\n\n# Title\r\n\r\ntext  \n\n\n")).toEqual({ preamble: "\n\n# Title\n\ntext\n", entries: [], issues: [] });
  });

  it("formats a custom or empty preamble canonically", () => {
    const entry = one(FEAT_TEXT);
    expect(formatLearningsMarkdown("feature-requests", [entry], "# Mine\r\n\r\n---  \n\n\n")).toBe(`# Mine\n\n---\n\n${FEAT_TEXT}`);
    expect(formatLearningsMarkdown("feature-requests", [entry, entry], "")).toBe(`${FEAT_TEXT}\n${FEAT_TEXT}`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Malformed files

describe("malformed files", () => {
  const file = (...entries: string[]) => formatLearningsMarkdown("learnings", []) + entries.map((e) => `\n${e}`).join("");
  const lrn = (mutate: (t: string) => string = (t) => t) => mutate(LRN_TEXT);

  function only(text: string, expected?: LearningType): MarkdownIssue {
    const { issues } = parseLearningsMarkdown(text, expected);
    expect(issues).toHaveLength(1);
    return issues[0]!;
  }

  it("reports a ## line that is not an entry heading, in the preamble and inside an entry", () => {
    const text = file(lrn((t) => t.replace("### Details", "## Details")));
    const { issues, entries } = parseLearningsMarkdown(text.replace("Areas:", "## Areas:"), "LRN");
    expect(issues).toEqual([
      {
        line: lineOf(text, "Areas:"),
        id: null,
        message: '"## Areas: incident_management | change_management | capac..." is not an entry heading (## [TYPE-YYYYMMDD-XXX] name)',
      },
      { line: lineOf(text, "## Details"), id: "LRN-20250415-001", message: '"## Details" is not an entry heading (## [TYPE-YYYYMMDD-XXX] name)' },
    ]);
    expect(entries).toHaveLength(1);
    expect(section(entries[0]!, "Summary")).toContain("## Details\nAlert fatigue");
  });

  it.each([
    ["LRN-2025041-001", 'id "LRN-2025041-001" is not TYPE-YYYYMMDD-XXX'],
    ["LRN-20250415-01a", 'id "LRN-20250415-01a" is not TYPE-YYYYMMDD-XXX'],
    ["ERR-20250415-001", 'id "ERR-20250415-001" is not TYPE-YYYYMMDD-XXX'],
    ["", 'id "" is not TYPE-YYYYMMDD-XXX'],
    ["LRN-20250230-001", 'id "LRN-20250230-001": 2025-02-30 is not a calendar date'],
    ["LRN-20251301-001", 'id "LRN-20251301-001": 2025-13-01 is not a calendar date'],
    ["LRN-20250229-001", 'id "LRN-20250229-001": 2025-02-29 is not a calendar date'],
    ["LRN-20250400-001", 'id "LRN-20250400-001": 2025-04-00 is not a calendar date'],
  ])("reports id %j at the heading line", (id, message) => {
    const text = file(
      lrn(),
      lrn((t) => t.replace("LRN-20250415-001", id)),
    );
    const issue = only(text, "LRN");
    expect(issue.line).toBe(lineOf(text, `## [${id}]`, lineOf(text, "## [LRN-20250415-001]") + 1));
    expect(issue.id).toBe(id);
    expect(issue.message).toContain(message);
  });

  it("accepts a real leap day", () => {
    expect(parseLearningsMarkdown(LRN_TEXT.replace("LRN-20250415-001", "LRN-20240229-001")).issues).toEqual([]);
  });

  it("reports an entry of another type only when a type is expected", () => {
    const text = file(lrn(), OPS_TEXT);
    expect(only(text, "LRN")).toEqual({
      line: lineOf(text, "## [OPS-"),
      id: "OPS-20250415-A3F",
      message: "OPS entry in LEARNINGS.md, which holds LRN entries",
    });
    expect(parseLearningsMarkdown(text).issues).toEqual([]);
    expect(parseLearningsMarkdown(text).entries.map((e) => e.type)).toEqual(["LRN", "OPS"]);
  });

  it("reports a repeated id at the repeat, and still returns both entries", () => {
    const text = file(
      lrn(),
      lrn((t) => t.replace("incident_pattern", "sla_breach")),
    );
    const first = lineOf(text, "## [LRN-20250415-001]");
    const second = lineOf(text, "## [LRN-20250415-001]", first + 1);
    expect(only(text, "LRN")).toEqual({ line: second, id: "LRN-20250415-001", message: `id LRN-20250415-001 is already used by the entry at line ${first}` });
    expect(parseLearningsMarkdown(text).entries.map((e) => e.heading)).toEqual(["incident_pattern", "sla_breach"]);
  });

  it.each(["Logged", "Priority", "Status", "Area"])("reports a missing %s at the heading line", (key) => {
    const text = file(lrn((t) => t.replace(new RegExp(`\\*\\*${key}\\*\\*: .*\\n`), "")));
    expect(only(text, "LRN")).toEqual({ line: lineOf(text, "## [LRN-"), id: "LRN-20250415-001", message: `no ${key} field` });
  });

  it.each([
    ["Logged", "yesterday"],
    ["Logged", "2025-04-15"],
    ["Logged", "2025-04-15 10:30:00Z"],
    ["Logged", "2025-04-15T10:30:00"],
    ["Logged", "2025-02-29T10:30:00Z"],
    ["Logged", "2025-04-15T25:30:00Z"],
    ["Logged", "2025-04-15T10:60:00Z"],
    ["Priority", "urgent"],
    ["Priority", "High"],
    ["Status", "done"],
    ["Status", "promoted-to-skill"],
    ["Area", "network"],
    ["Area", ""],
  ])("reports %s %j at its own line", (key, value) => {
    const text = file(lrn((t) => t.replace(new RegExp(`(\\*\\*${key}\\*\\*:) .*`), `$1 ${value}`)));
    const issue = only(text, "LRN");
    expect(issue.line).toBe(lineOf(text, `**${key}**:`));
    expect(issue.id).toBe("LRN-20250415-001");
    expect(issue.message).toContain(`${key} ${JSON.stringify(value)} is not`);
  });

  it.each(["2025-04-15T10:30Z", "2025-04-15T10:30:00.123Z", "2025-04-15T10:30:00+05:30", "2025-04-15T10:30:00-0800", "2024-02-29T23:59:59Z"])(
    "accepts Logged %s",
    (value) => {
      expect(parseLearningsMarkdown(lrn((t) => t.replace("2025-04-15T10:30:00Z", value))).issues).toEqual([]);
    },
  );

  it.each(CATEGORIES)("accepts the LRN category %s", (category) => {
    expect(parseLearningsMarkdown(lrn((t) => t.replace("incident_pattern", category))).issues).toEqual([]);
  });

  it("reports an LRN heading that is not a category, and an empty heading", () => {
    const text = file(lrn((t) => t.replace("incident_pattern", "network_blip")));
    expect(only(text)).toMatchObject({
      line: lineOf(text, "## [LRN-"),
      id: "LRN-20250415-001",
      message: expect.stringContaining('"network_blip" is not a learning category'),
    });
    const bare = OPS_TEXT.replace(" api_outage", "");
    expect(only(bare)).toEqual({ line: 1, id: "OPS-20250415-A3F", message: "no name after the id" });
  });

  it("reports an OPS Severity other than P1-P4 at its line, and accepts none", () => {
    const text = `\n\n${OPS_TEXT.replace("P1", "P5")}`;
    expect(only(text, "OPS")).toEqual({ line: 8, id: "OPS-20250415-A3F", message: 'Severity "P5" is not one of P1, P2, P3, P4' });
    expect(parseLearningsMarkdown(OPS_TEXT.replace("**Severity**: P1\n", ""), "OPS").issues).toEqual([]);
  });

  it.each([
    ["LRN", LRN_TEXT.replace(/### Summary\n.*\n\n/, ""), "Summary"],
    ["OPS", OPS_TEXT.replace("### Summary", "### Overview"), "Summary"],
    ["FEAT", FEAT_TEXT.replace("### Requested Capability", "### Summary"), "Requested Capability"],
  ] as const)("reports a %s entry without its %s section at the heading line", (type, text, title) => {
    expect(only(`\n${text}`, type)).toEqual({ line: 2, id: expect.stringMatching(/^(LRN|OPS|FEAT)-/), message: `no "### ${title}" section` });
  });

  it("reports an empty Summary at its section line", () => {
    const text = LRN_TEXT.replace("Same alert fired 60 times a day\n", "");
    expect(only(text)).toEqual({ line: lineOf(text, "### Summary"), id: "LRN-20250415-001", message: 'the "### Summary" section is empty' });
  });

  it("reports repeated fields, sections and metadata keys where they repeat", () => {
    const text = LRN_TEXT.replace("**Area**: monitoring", "**Area**: monitoring\n**status**: resolved")
      .replace("### Metadata", "### details\nagain\n\n### Metadata")
      .replace("- Tags: alerts, noise", "- Tags: alerts, noise\n- **source**: incident");
    expect(parseLearningsMarkdown(text).issues).toEqual([
      { line: lineOf(text, "**status**"), id: "LRN-20250415-001", message: "Status is given 2 times" },
      { line: lineOf(text, "### details"), id: "LRN-20250415-001", message: 'the "### details" section appears more than once' },
      { line: lineOf(text, "- **source**"), id: "LRN-20250415-001", message: "metadata source is given more than once" },
    ]);
  });

  it("reports header lines that are not fields, and an untitled section", () => {
    const text = LRN_TEXT.replace("**Area**: monitoring", "**Area**: monitoring\njust some prose\n---").replace("### Details", "###");
    expect(parseLearningsMarkdown(text).issues).toEqual([
      { line: 7, id: "LRN-20250415-001", message: '"just some prose" is neither a "**Key**: value" field nor a "### " section heading' },
      { line: 8, id: "LRN-20250415-001", message: '"---" is neither a "**Key**: value" field nor a "### " section heading' },
      { line: text.split("\n").indexOf("###") + 1, id: "LRN-20250415-001", message: 'a "###" heading without a title' },
    ]);
  });

  it("reports a code fence that is never closed, which swallows the rest of the file", () => {
    const text = file(
      lrn((t) => t.replace("Second paragraph.", "```bash\nkubectl get pods")),
      FEAT_TEXT.replace("FEAT", "LRN"),
    );
    const { issues, entries } = parseLearningsMarkdown(text, "LRN");
    expect(issues).toEqual([
      { line: lineOf(text, "```bash"), id: "LRN-20250415-001", message: "this code fence is never closed, so everything after it is read as code" },
    ]);
    expect(entries).toHaveLength(1);
  });

  it("a file with one bad entry among good ones reports exactly that entry, and returns all of them", () => {
    const good = parseLearningsMarkdown(fixture("operations-issues"), "OPS");
    const text = fixture("operations-issues").replace("**Severity**: P3\n", "**Severity**: P7\n").replace("**Area**: capacity_planning\n", "");
    const { entries, issues } = parseLearningsMarkdown(text, "OPS");
    expect(entries.map((e) => e.id)).toEqual(good.entries.map((e) => e.id));
    expect(issues).toEqual([
      { line: lineOf(text, "## [OPS-20250417-001]"), id: "OPS-20250417-001", message: "no Area field" },
      { line: lineOf(text, "**Severity**: P7"), id: "OPS-20250417-001", message: 'Severity "P7" is not one of P1, P2, P3, P4' },
    ]);
    const many = parseLearningsMarkdown(fixture("learnings").replace("## [LRN-20250301-003] sla_breach", "## [LRN-20250301-003] slo_breach"), "LRN");
    expect(many.entries).toHaveLength(5);
    expect(many.issues.map((i) => [i.line, i.id])).toEqual([[lineOf(fixture("learnings"), "## [LRN-20250301-003]"), "LRN-20250301-003"]]);
  });

  it("reports several problems of one entry, each at its line, in line order", () => {
    const text = file(
      lrn((t) =>
        t
          .replace("LRN-20250415-001] incident_pattern", "LRN-20250431-001] whatever")
          .replace("high", "urgent")
          .replace("**Area**: monitoring\n", "")
          .replace("### Summary", "### Synopsis"),
      ),
    );
    const head = lineOf(text, "## [LRN-20250431-001]");
    expect(parseLearningsMarkdown(text, "LRN").issues).toEqual([
      { line: head, id: "LRN-20250431-001", message: 'id "LRN-20250431-001": 2025-04-31 is not a calendar date' },
      { line: head, id: "LRN-20250431-001", message: expect.stringContaining('"whatever" is not a learning category') },
      { line: head, id: "LRN-20250431-001", message: "no Area field" },
      { line: head, id: "LRN-20250431-001", message: 'no "### Summary" section' },
      { line: head + 3, id: "LRN-20250431-001", message: 'Priority "urgent" is not one of low, medium, high, critical' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Reading and editing parts of a document

describe("fields", () => {
  const d = one(LRN_TEXT);

  it("field() is case-insensitive and null when absent", () => {
    expect(field(d, "status")).toBe("pending");
    expect(field(d, " PRIORITY ")).toBe("high");
    expect(field(d, "Promoted")).toBeNull();
  });

  it("withField() replaces in place, keeping the key's spelling, and does not touch the original", () => {
    const e = withField(d, "STATUS", "  resolved ");
    expect(e.fields).toEqual([
      { key: "Logged", value: "2025-04-15T10:30:00Z" },
      { key: "Priority", value: "high" },
      { key: "Status", value: "resolved" },
      { key: "Area", value: "monitoring" },
    ]);
    expect(field(d, "Status")).toBe("pending");
  });

  it("withField() adds known keys at their canonical position and others at the end", () => {
    const e = withField(withField(withField(withField(d, "Owner", "sre"), "Severity", "P2"), "Promoted", "runbook (disk alerts)"), "priority", null);
    expect(e.fields.map((f) => f.key)).toEqual(["Logged", "Status", "Promoted", "Severity", "Area", "Owner"]);
    const f = withField(withField(e, "Logged", null), "Priority", "low");
    expect(f.fields.map((x) => x.key)).toEqual(["Priority", "Status", "Promoted", "Severity", "Area", "Owner"]);
    expect(withField(f, "Logged", "2025-04-15T10:30:00Z").fields.map((x) => x.key)).toEqual([
      "Logged",
      "Priority",
      "Status",
      "Promoted",
      "Severity",
      "Area",
      "Owner",
    ]);
    const onlyUnknown: LearningDoc = { ...d, fields: [{ key: "Owner", value: "sre" }] };
    expect(withField(onlyUnknown, "Area", "monitoring").fields.map((x) => x.key)).toEqual(["Area", "Owner"]);
    expect(withField(onlyUnknown, "Ticket", "OPS-1").fields.map((x) => x.key)).toEqual(["Owner", "Ticket"]);
  });

  it("withField() collapses duplicates when setting and removes them all with null", () => {
    const dup: LearningDoc = { ...d, fields: [...d.fields, { key: "status", value: "resolved" }] };
    expect(withField(dup, "Status", "wont_fix").fields.filter((f) => /status/i.test(f.key))).toEqual([{ key: "Status", value: "wont_fix" }]);
    expect(withField(dup, "Status", null).fields.some((f) => /status/i.test(f.key))).toBe(false);
  });
});

describe("sections", () => {
  const d = one(LRN_TEXT);
  const ops = one(OPS_TEXT);

  it("section() is case-insensitive and null when absent", () => {
    expect(section(d, "details")).toBe("Alert fatigue on the disk monitor.\n\nSecond paragraph.");
    expect(section(d, "Impact")).toBeNull();
  });

  it("withSection() replaces in place, keeping the title's spelling, and normalizes the body", () => {
    const e = withSection(d, "DETAILS", "\r\n\r\nnew  \r\ntext\n\n");
    expect(e.sections.map((s) => s.title)).toEqual(["Summary", "Details", "Metadata"]);
    expect(section(e, "Details")).toBe("new\ntext");
    expect(section(d, "Details")).toBe("Alert fatigue on the disk monitor.\n\nSecond paragraph.");
  });

  it("withSection() adds sections at their canonical position per type; Resolution last, unknown before Resolution", () => {
    let e = withSection(d, "Resolution", "- **Resolved**: 2025-04-16T09:00:00Z");
    e = withSection(e, "Impact", "- Duration: 2 days");
    e = withSection(e, "Suggested Action", "tune it");
    e = withSection(e, "Notes", "free");
    e = withSection(e, "Metrics", "- MTTR: 1h");
    expect(e.sections.map((s) => s.title)).toEqual(["Summary", "Details", "Impact", "Metrics", "Suggested Action", "Metadata", "Notes", "Resolution"]);
    let o = withSection(ops, "Action Items", "- [ ] fix (me, 2025-05-01)");
    o = withSection(o, "Root Cause", "cause");
    o = withSection(o, "Timeline", "replaced");
    o = withSection(o, "Resolution", "done");
    o = withSection(o, "Metadata", "- Trigger: alert");
    expect(o.sections.map((s) => s.title)).toEqual(["Summary", "Timeline", "Root Cause", "Action Items", "Metadata", "Resolution"]);
    const feat = withSection(withSection(one(FEAT_TEXT), "Complexity Estimate", "simple"), "User Context", "why");
    expect(feat.sections.map((s) => s.title)).toEqual(["Requested Capability", "User Context", "Complexity Estimate"]);
    const onlyUnknown: LearningDoc = { ...d, sections: [{ title: "Notes", body: "x" }] };
    expect(withSection(onlyUnknown, "Summary", "s").sections.map((s) => s.title)).toEqual(["Summary", "Notes"]);
    expect(withSection(onlyUnknown, "Resolution", "r").sections.map((s) => s.title)).toEqual(["Notes", "Resolution"]);
  });

  it("withSection(null) removes every section with that title", () => {
    const dup: LearningDoc = { ...d, sections: [...d.sections, { title: "details", body: "again" }] };
    expect(withSection(dup, "Details", null).sections.map((s) => s.title)).toEqual(["Summary", "Metadata"]);
    expect(withSection(dup, "Details", "one").sections.map((s) => s.title)).toEqual(["Summary", "Details", "Metadata"]);
  });
});

describe("metadata", () => {
  const d = one(LRN_TEXT);

  it("reads plain and bold lines, skipping prose, nested lines and code", () => {
    const e = withSection(
      d,
      "Metadata",
      "- Source: monitoring\n  - Nested: no\n- **Environment**: production\n* Tags: a, b\nprose: no\n```\n- Fake: no\n```\n- https://example.invalid\n- Empty:",
    );
    expect(metadata(e)).toEqual([
      { key: "Source", value: "monitoring" },
      { key: "Environment", value: "production" },
      { key: "Tags", value: "a, b" },
      { key: "Empty", value: "" },
    ]);
    expect(metadata(one(FEAT_TEXT))).toEqual([]);
  });

  it("withMetadata() replaces in place keeping the style, appends after the last item, and removes with null", () => {
    const body = (x: LearningDoc) => section(x, "Metadata");
    expect(body(withMetadata(d, "environment", "staging"))).toBe("- Source: monitoring\n- **Environment**: staging\n- Tags: alerts, noise");
    expect(body(withMetadata(d, "Skill", "operations"))).toBe(
      "- Source: monitoring\n- **Environment**: production\n- Tags: alerts, noise\n- Skill: operations",
    );
    expect(body(withMetadata(d, "Source", null))).toBe("- **Environment**: production\n- Tags: alerts, noise");
    const prose = withSection(d, "Metadata", "- Tags: a,\n  b\n\nSee the runbook.");
    expect(body(withMetadata(prose, "Skill", "operations"))).toBe("- Tags: a,\n  b\n- Skill: operations\n\nSee the runbook.");
    const dup = withSection(d, "Metadata", "- Tags: a\n- tags: b");
    expect(body(withMetadata(dup, "TAGS", "c"))).toBe("- Tags: c");
    expect(body(withMetadata(d, "Tags", "a,\r\n  b\n### not a heading"))).toBe(
      "- Source: monitoring\n- **Environment**: production\n- Tags: a, b ### not a heading",
    );
    expect(metadata(withMetadata(d, "Related Alerts", " "))).toContainEqual({ key: "Related Alerts", value: "" });
  });

  it("withMetadata() creates the section at its canonical place, before Resolution", () => {
    const feat = withSection(one(FEAT_TEXT), "Resolution", "- **Resolved**: 2025-04-16T09:00:00Z");
    const e = withMetadata(feat, "Frequency", "recurring");
    expect(e.sections.map((s) => s.title)).toEqual(["Requested Capability", "Metadata", "Resolution"]);
    expect(metadata(e)).toEqual([{ key: "Frequency", value: "recurring" }]);
    expect(withMetadata(one(FEAT_TEXT), "Frequency", null)).toEqual(one(FEAT_TEXT));
  });

  it("resolving and promoting an entry with the helpers gives a valid entry that round-trips", () => {
    let e = withField(d, "Status", "resolved");
    e = withSection(e, "Resolution", "- **Resolved**: 2025-04-16T09:00:00Z\n- **Postmortem**: PM-12\n- **Notes**: Added runbook");
    e = withMetadata(e, "Skill", "operations");
    e = withField(withField(e, "Status", "promoted"), "Promoted", "runbook (disk alert triage)");
    expect(validateEntry(e, "LRN")).toEqual([]);
    const text = formatEntry(e);
    expect(text).toContain("**Status**: promoted\n**Promoted**: runbook (disk alert triage)\n**Area**: monitoring\n");
    expect(text).toContain("- Skill: operations\n\n### Resolution\n- **Resolved**: 2025-04-16T09:00:00Z\n");
    expect(docs(parseLearningsMarkdown(text, "LRN").entries)).toEqual([e]);
  });
});

describe("validateEntry", () => {
  const d = one(LRN_TEXT);

  it("is empty for valid entries of each type", () => {
    expect(validateEntry(d)).toEqual([]);
    expect(validateEntry(one(OPS_TEXT), "OPS")).toEqual([]);
    expect(validateEntry(one(FEAT_TEXT), "FEAT")).toEqual([]);
  });

  it("reports a type that contradicts the id, and the expected type", () => {
    expect(validateEntry({ ...d, type: "OPS" })).toEqual(["type OPS does not match the id prefix LRN"]);
    expect(validateEntry(d, "FEAT")).toEqual(["LRN entry in FEATURE_REQUESTS.md, which holds FEAT entries"]);
  });

  it("reports what would not survive being written and read back", () => {
    expect(validateEntry({ ...d, heading: "incident_pattern\nmore" })).toContain("the heading has a line break");
    expect(validateEntry(withField(d, "Owner", "a\nb"))).toEqual(["field Owner has a line break in its value"]);
    expect(validateEntry({ ...d, fields: [...d.fields, { key: "**Bad**", value: "x" }] })).toEqual([
      'field key "**Bad**" cannot be written as **Key** (empty, padded, or has * or a line break)',
    ]);
    expect(validateEntry({ ...d, fields: [...d.fields, { key: "", value: "x" }] })).toHaveLength(1);
    expect(validateEntry({ ...d, sections: [...d.sections, { title: "Two\nLines", body: "" }] })).toEqual(['section title "Two\\nLines" has a line break']);
  });

  it.each([
    "text\n### Sneaky",
    "## [LRN-20250101-001] incident_pattern",
    "## Heading",
    "```\nopen",
    "---\n## [LRN-20250101-001] incident_pattern\n\n**Status**: resolved",
  ])("finds nothing wrong with a body that looks like structure (%j): it is written escaped and read back as it is", (body) => {
    const e = withSection(d, "Details", body);
    expect(validateEntry(e)).toEqual([]);
    expect(docs(parseLearningsMarkdown(formatEntry(e), "LRN").entries)).toEqual([e]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Escaping: entry text that looks like structure is written escaped and read back exactly

describe("one list of values", () => {
  it("the file preamble, the validator and the exported lists agree", () => {
    expect(LEARNING_TYPES).toEqual(["LRN", "OPS", "FEAT"]);
    expect(LEARNING_FILES.learnings.preamble).toContain(`Categories: ${LEARNING_CATEGORIES.join(" | ")}\n`);
    expect(LEARNING_FILES.learnings.preamble).toContain(`Areas: ${LEARNING_AREAS.join(" | ")}\n`);
    const d = one(LRN_TEXT);
    for (const heading of LEARNING_CATEGORIES) expect(validateEntry({ ...d, heading })).toEqual([]);
    for (const value of PRIORITY_VALUES) expect(validateEntry(withField(d, "Priority", value))).toEqual([]);
    for (const value of LEARNING_STATUSES) expect(validateEntry(withField(d, "Status", value))).toEqual([]);
    for (const value of LEARNING_AREAS) expect(validateEntry(withField(d, "Area", value))).toEqual([]);
    expect(validateEntry({ ...d, heading: "Stale lock files" })).toEqual([`"Stale lock files" is not a learning category (${LEARNING_CATEGORIES.join(", ")})`]);
  });
});

describe("escaping entry text", () => {
  it.each([
    ["## [LRN-20250101-001] incident_pattern", "\\## [LRN-20250101-001] incident_pattern"],
    ["##[OPS-20250101-001] x", "\\##[OPS-20250101-001] x"],
    ["## Notes", "\\## Notes"],
    ["##", "\\##"],
    ["##\tx", "\\##\tx"],
    ["### Metadata", "\\### Metadata"],
    ["###", "\\###"],
    ["### x   ", "\\### x   "],
    ["---", "\\---"],
    ["-----", "\\-----"],
    ["--- ", "\\--- "],
    ["```", "\\```"],
    ["```bash\nkubectl", "\\```bash\nkubectl"],
    ["  ~~~ py\n## x", "  \\~~~ py\n\\## x"],
    ["\\### typed by the author", "\\\\### typed by the author"],
    ["\\\\---", "\\\\\\---"],
    ["  \\```", "  \\\\```"],
    ["a\r### b\r\n---\nc", "a\r\\### b\r\n\\---\nc"],
    ["text\n\n## [FEAT-20250101-001] x\n", "text\n\n\\## [FEAT-20250101-001] x\n"],
  ])("escapes %j as %j, and reads it back", (text, escaped) => {
    expect(escapeSectionBody(text)).toBe(escaped);
    expect(unescapeSectionBody(escaped)).toBe(text);
  });

  it.each([
    "#### h4",
    "# h1",
    "#hashtag",
    " ### indented one space",
    "    ## indented code",
    "**Status**: resolved",
    "**Logged**: 2025-01-01T00:00:00Z",
    "Status: pending",
    "- Pattern-Key: planted",
    "- **Resolved**: 2025-01-01T00:00:00Z",
    "--",
    "--- x",
    "- - -",
    "***",
    "|---|---|",
    "\\not structure",
    "\\",
    "``` a`b (backticks in a backtick info string: not a fence)",
    "```\n## [LRN-20250101-001] inside a closed fence\n### and this\n---\n```",
    "~~~~\n```\n### a shorter fence does not close it\n~~~~",
    "\\\\ two backslashes, then prose",
    "",
  ])("leaves %j as it is", (text) => {
    expect(escapeSectionBody(text)).toBe(text);
    expect(unescapeSectionBody(text)).toBe(text);
  });

  it("reads a backslash escape written by hand as markdown does", () => {
    const text = LRN_TEXT.replace("Second paragraph.", "\\### not a section\n\\---");
    expect(section(one(text), "Details")).toBe("Alert fatigue on the disk monitor.\n\n### not a section\n---");
    expect(formatEntry(one(text))).toBe(text);
  });

  const FRAGMENTS = [
    "## [LRN-20250101-001] incident_pattern",
    "## [OPS-20250101-001]",
    "##[FEAT-20250101-001] x",
    "##",
    "## ",
    "## Notes",
    "##\t",
    "###",
    "### ",
    "### Summary",
    "### Metadata",
    "###x",
    "####",
    "#",
    "# h1",
    "---",
    "----",
    "--",
    "- - -",
    "```",
    "````",
    "```bash",
    "``` a`b",
    "~~~",
    "~~~~ py",
    "  ```",
    "\t~~~",
    "    ## indented",
    "**Status**: resolved",
    "**Priority**:",
    "Status: pending",
    "- Pattern-Key: planted",
    "- **Resolved**: 2025-01-01T00:00:00Z",
    "|---|---|",
    "\\",
    "\\\\",
    "\\###",
    "\\## [LRN-",
    "\\---",
    "\\```",
    " ",
    "\t",
    "text",
    "日本語",
    "🚀",
    "\u2028",
    "\u2029",
    "\uFEFF",
    "\u0085",
    "\u00A0",
    "\ud800",
    "é",
    "[x]",
    "]",
  ];
  const SEPARATORS = ["\n", "\n", "\n", "\r\n", "\r", "\n\n"];

  function hostileText(r: Rand): string {
    const lines = Array.from({ length: r.int(7) }, () => {
      let line = Array.from({ length: 1 + r.int(3) }, () => r.pick(FRAGMENTS)).join(r.pick(["", "", " "]));
      if (r.chance(0.2)) line = "\\".repeat(1 + r.int(3)) + line;
      if (r.chance(0.1)) line = r.pick([" ", "  ", "\t"]) + line;
      if (r.chance(0.1)) line += r.pick([" ", "  ", "\t"]);
      return line;
    });
    let text = "";
    lines.forEach((l, i) => (text += (i === 0 ? "" : r.pick(SEPARATORS)) + l));
    return r.chance(0.2) ? text + r.pick(SEPARATORS) : text;
  }

  it("unescape(escape(s)) is s for 20 000 generated strings: newlines, CR, unicode, leading #, field lookalikes, fences, backslashes", () => {
    const r = rand(13);
    let changed = 0;
    for (let n = 0; n < 20_000; n++) {
      const s = hostileText(r);
      const escaped = escapeSectionBody(s);
      expect(unescapeSectionBody(escaped), JSON.stringify(s)).toBe(s);
      if (escaped !== s) changed++;
    }
    expect(changed).toBeGreaterThan(5_000);
  });

  it("escaping only adds backslashes at the start of lines, and keeps every line break where it was", () => {
    const r = rand(14);
    for (let n = 0; n < 5_000; n++) {
      const s = hostileText(r);
      const split = (t: string) => t.split(/(\r\n|\r|\n)/);
      const before = split(s);
      const after = split(escapeSectionBody(s));
      expect(after.length).toBe(before.length);
      after.forEach((part, i) => expect(part.replace(/^([ \t]*)\\/, "$1") === before[i] || part === before[i], JSON.stringify([s, part])).toBe(true));
    }
  });

  it("text planted in any section, the heading or a field never makes another entry, field or section: 3 000 generated entries read back as written", () => {
    const r = rand(15);
    const single = () => hostileText(r);
    const entries: LearningDoc[] = [];
    for (let n = 0; n < 3_000; n++) {
      const type = r.pick(LEARNING_TYPES);
      const id = `${type}-2025${pad(1 + r.int(12))}${pad(1 + r.int(28))}-${String(n % 1000).padStart(3, "0")}`;
      let doc: LearningDoc = { id, type, heading: type === "LRN" ? r.pick(LEARNING_CATEGORIES) : single(), fields: [], sections: [] };
      doc = withField(doc, "Logged", "2025-04-15T10:30:00Z");
      doc = withField(doc, "Priority", r.pick(PRIORITY_VALUES));
      doc = withField(doc, "Status", r.pick(LEARNING_STATUSES));
      doc = withField(doc, "Area", r.pick(LEARNING_AREAS));
      if (r.chance(0.5)) doc = { ...doc, fields: [...doc.fields, { key: r.pick(UNKNOWN_FIELDS), value: single() }] };
      const titles = r.shuffle(SECTIONS[type]).slice(0, 1 + r.int(4));
      const required = type === "FEAT" ? "Requested Capability" : "Summary";
      if (!titles.includes(required)) titles.unshift(required);
      doc = {
        ...doc,
        sections: titles.map((title) => ({ title: r.chance(0.05) ? `${title}${single()}` : title, body: `${title === required ? "x" : ""}${single()}` })),
      };
      if (r.chance(0.3)) doc = withMetadata(doc, "Pattern-Key", single());
      entries.push(doc);
    }
    for (let i = 0; i < entries.length; i += 100) {
      const batch = entries.slice(i, i + 100).map((d, k) => ({ ...d, id: `${d.id.slice(0, -3)}${String(k).padStart(3, "0")}` }));
      const text = batch.map(formatEntry).join("\n");
      const parsed = parseLearningsMarkdown(text);
      const expected = batch.map(normalizeDoc);
      expect(docs(parsed.entries)).toEqual(expected);
      const problems = parsed.issues.filter((issue) => !validateEntry(expected.find((d) => d.id === issue.id)!).includes(issue.message));
      expect(problems).toEqual([]);
    }
  });

  it("line breaks in a heading, a field value or a section title become one space; other unicode stays", () => {
    const d = one(OPS_TEXT);
    const messy: LearningDoc = {
      ...d,
      heading: "api\r\n## [OPS-20250101-001] planted\u2028outage",
      fields: [...d.fields, { key: "Owner", value: "sre\n**Status**: resolved\r\u2029team" }],
      sections: [...d.sections, { title: "Notes\n### Resolution", body: "x" }],
    };
    const parsed = parseLearningsMarkdown(formatEntry(messy), "OPS");
    expect(parsed.issues).toEqual([]);
    expect(docs(parsed.entries)).toEqual([normalizeDoc(messy)]);
    expect(parsed.entries[0]).toMatchObject({ heading: "api ## [OPS-20250101-001] planted\u2028outage" });
    expect(field(parsed.entries[0]!, "Owner")).toBe("sre **Status**: resolved \u2029team");
    expect(parsed.entries[0]!.sections.at(-1)!.title).toBe("Notes ### Resolution");
  });

  it("normalizeDoc is what formatEntry writes: idempotent, and the identity on parsed entries", () => {
    for (const { doc } of GENERATED) {
      expect(normalizeDoc(doc)).toEqual(doc);
      expect(normalizeDoc(normalizeDoc(doc))).toEqual(normalizeDoc(doc));
    }
    for (const kind of KINDS) for (const e of docs(parseLearningsMarkdown(fixture(kind)).entries)) expect(normalizeDoc(e)).toEqual(e);
  });
});
