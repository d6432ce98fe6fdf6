import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { recordFinding, type BusFrame } from "@ops/core";
import { until } from "@ops/core/test";
import {
  CommandAllowList,
  LEARNING_AREAS,
  LEARNING_CATEGORIES,
  LEARNING_FILES,
  LEARNING_STATUSES,
  PRIORITIES,
  PROMOTION_TARGETS,
  RunbookDef,
  checkDefinition,
  detectAlertFatigue,
  detectCapacity,
  detectChangeFailureRate,
  detectRecurrence,
  detectRepeatedRemediation,
  detectSlowDetection,
  detectSlowResolution,
  parseLearningsMarkdown,
  type IncidentFact,
} from "@ops/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Json } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;
let oncall: Record<string, string>;
let other: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  viewer = (await api.signIn(["viewer"])).headers;
  oncall = (await api.signIn(["oncall"])).headers;
  other = (await api.signIn(["oncall"])).headers;
});
afterAll(async () => {
  await api?.close();
});

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) => api.call(method, path, headers, body);

const FIXTURES = join(REPO_ROOT, "packages/domain/fixtures/learnings");
const KINDS = [
  ["learnings", "LEARNINGS.md"],
  ["operations-issues", "OPERATIONS_ISSUES.md"],
  ["feature-requests", "FEATURE_REQUESTS.md"],
] as const;
const sorted = (xs: string[]) => [...xs].sort();
const strip = (entries: { line: number }[]) => entries.map(({ line: _line, ...e }) => e);

describe("[LEARNINGS] .learnings/ import and export", () => {
  it.each(KINDS)("imports the seed's %s examples and exports the same entries back", async (kind, file) => {
    const content = readFileSync(join(FIXTURES, file), "utf8");
    const imported = await call("POST", "/api/learnings/import", oncall, { kind, content });
    expect(imported.status).toBe(200);
    const original = parseLearningsMarkdown(content);
    expect(imported.json.created).toEqual(original.entries.map((e) => e.id));
    const exported = await call("GET", `/api/learnings/export?kind=${kind}`, viewer);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain("text/markdown");
    expect(exported.headers.get("content-disposition")).toContain(file);
    expect(strip(parseLearningsMarkdown(exported.text).entries)).toEqual(strip(original.entries));
    // The fixtures are in canonical form, so the text comes back to the byte.
    expect(exported.text).toBe(content);
    // Importing the export again changes nothing.
    const again = await call("POST", "/api/learnings/import", oncall, { kind, content: exported.text });
    expect(again.json).toEqual({ created: [], updated: [], skipped: original.entries.map((e) => e.id) });
  });

  it("refuses a malformed file entry by entry, with line numbers, and changes nothing", async () => {
    const before = (await call("GET", "/api/learnings?limit=200", viewer)).json.learnings.length;
    const content = [
      "# Operations Learnings",
      "",
      "---",
      "",
      "## [LRN-20251301-001] incident_pattern",
      "",
      "**Logged**: 2025-01-01T00:00:00Z",
      "**Priority**: urgent",
      "**Status**: pending",
      "**Area**: monitoring",
      "",
      "### Summary",
      "bad date and bad priority",
      "",
      "---",
      "",
      "## [LRN-20250102-001] incident_pattern",
      "",
      "**Logged**: 2025-01-02T00:00:00Z",
      "**Priority**: low",
      "**Status**: pending",
      "**Area**: monitoring",
      "",
      "### Summary",
      "a good one that must not be stored either",
      "",
      "---",
      "",
    ].join("\n");
    const res = await call("POST", "/api/learnings/import", oncall, { kind: "learnings", content });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: "VALIDATION", field: "content" });
    expect(res.json.issues.length).toBeGreaterThanOrEqual(2);
    expect(res.json.issues.every((i: Json) => i.id === "LRN-20251301-001" && i.line >= 5 && i.line <= 13)).toBe(true);
    expect(res.json.issues.map((i: Json) => i.message).join(" ")).toMatch(/priority/i);
    expect((await call("GET", "/api/learnings?limit=200", viewer)).json.learnings.length).toBe(before);
    expect((await call("GET", "/api/learnings/LRN-20250102-001", viewer)).status).toBe(404);
  });

  it("finds learnings by full-text search and filters", async () => {
    const found = await call("GET", "/api/learnings?q=connection%20pool", viewer);
    expect(found.json.learnings.length).toBeGreaterThan(0);
    const ops = await call("GET", "/api/learnings?type=OPS&limit=200", viewer);
    expect(ops.json.learnings.every((l: Json) => l.type === "OPS")).toBe(true);
    const resolved = await call("GET", "/api/learnings?status=resolved", viewer);
    expect(resolved.json.learnings.every((l: Json) => l.status === "resolved")).toBe(true);
    const bad = await call("GET", "/api/learnings?priority=urgent", viewer);
    expect(bad.status).toBe(400);
  });

  it("a viewer cannot import", async () => {
    const res = await call("POST", "/api/learnings/import", viewer, { kind: "learnings", content: "x" });
    expect(res.status).toBe(403);
  });
});

describe("[POSTMORTEM] from an incident to a published postmortem", () => {
  let pm: Json;

  it("starts pre-filled from the incident: timeline, impact, services", async () => {
    const inc = await call("POST", "/api/incidents", oncall, { title: "steward down: connection refused", severity: "P2", targets: ["steward"] });
    const id = inc.json.incident.id as number;
    await call("POST", `/api/incidents/${id}/notes`, oncall, { message: "restarted by hand" });
    await call("POST", `/api/incidents/${id}/resolve`, oncall, { summary: "back after a restart" });
    const created = await call("POST", "/api/postmortems", oncall, { incidentId: id });
    expect(created.status).toBe(201);
    pm = created.json.postmortem;
    expect(pm).toMatchObject({ status: "draft", version: 1, incidentId: id, incidentKey: `INC-${id}`, title: "steward down: connection refused" });
    expect(pm.opsId).toMatch(/^OPS-\d{8}-\d{3}$/);
    expect(pm.timeline.map((r: Json) => r.event).join("\n")).toContain("restarted by hand");
    expect(pm.impact).toMatchObject({ sloTarget: 99.9, budgetMinutes: 43.2, severity: "P2" });
    expect(pm.impact.durationMinutes).toBeGreaterThanOrEqual(0);
    expect(pm.metadata.servicesAffected).toEqual(["steward"]);
    const twice = await call("POST", "/api/postmortems", oncall, { incidentId: id });
    expect(twice.status).toBe(409);
    expect(twice.json.message).toContain(`postmortem ${pm.id}`);
  });

  it("never loses an update: a save on a stale version is refused with who saved what", async () => {
    const mine = await call("PATCH", `/api/postmortems/${pm.id}`, oncall, { version: 1, summary: "Steward refused connections for a while." });
    expect(mine.status).toBe(200);
    expect(mine.json.postmortem.version).toBe(2);
    const theirs = await call("PATCH", `/api/postmortems/${pm.id}`, other, { version: 1, summary: "Their text" });
    expect(theirs.status).toBe(409);
    expect(theirs.json).toMatchObject({ code: "CONFLICT", field: "version" });
    expect(theirs.json.message).toMatch(/saved version 2/);
    const now = await call("GET", `/api/postmortems/${pm.id}`, viewer);
    expect(now.json.postmortem.summary).toBe("Steward refused connections for a while.");
  });

  it("rejects bad input naming the field", async () => {
    const bad = await call("PATCH", `/api/postmortems/${pm.id}`, oncall, { version: 2, timeline: [{ at: "yesterday", event: "x" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toContain("timeline");
    const viewerSave = await call("PATCH", `/api/postmortems/${pm.id}`, viewer, { version: 2, summary: "x" });
    expect(viewerSave.status).toBe(403);
  });

  it("scrubs secrets, people and internal addresses before storing", async () => {
    const res = await call("PATCH", `/api/postmortems/${pm.id}`, oncall, {
      version: 2,
      rootCause: "The gateway used password=hunter2 against 10.1.2.3 and paged alice@example.com via pg01.db.internal.",
    });
    expect(res.status).toBe(200);
    expect(res.json.postmortem.rootCause).toBe("The gateway used password=[redacted] against [redacted:ip] and paged [redacted:email] via [redacted:host].");
  });

  it("publishes only when complete, then exports as an OPS entry and logs it", async () => {
    let p = (await call("GET", `/api/postmortems/${pm.id}`, viewer)).json.postmortem;
    const early = await call("POST", `/api/postmortems/${pm.id}/transition`, oncall, { to: "published", version: p.version });
    expect(early.status).toBe(422);
    p = (
      await call("PATCH", `/api/postmortems/${pm.id}`, oncall, {
        version: p.version,
        mitigation: "Restarted steward.",
        prevention: "Add a doctor case.",
        actionItems: [{ id: "a1", text: "Write the doctor case", owner: "oncall team", due: "2026-12-01", done: false }],
        impact: { usersAffected: "dashboard users" },
      })
    ).json.postmortem;
    const review = await call("POST", `/api/postmortems/${pm.id}/transition`, oncall, { to: "in_review", version: p.version });
    expect(review.json.postmortem.status).toBe("in_review");
    const frames: BusFrame[] = [];
    const stop = await api.bus.subscribe((f) => frames.push(f));
    const published = await call("POST", `/api/postmortems/${pm.id}/transition`, oncall, { to: "published", version: review.json.postmortem.version });
    expect(published.status).toBe(200);
    expect(published.json.postmortem).toMatchObject({ status: "published", publishedBy: expect.stringContaining("@test.local") });
    // The verb tells the dashboards of both records it changed: the postmortem and its OPS entry.
    await until(
      "the publication's frames",
      () => frames.map((f) => f.type),
      (t) => t.includes("postmortem.updated") && t.includes("learning.updated"),
      10_000,
      50,
    );
    stop();
    expect(frames).toContainEqual({
      type: "postmortem.updated",
      postmortem: expect.objectContaining({ id: pm.id, status: "published", version: published.json.postmortem.version }),
    });
    expect(frames).toContainEqual({ type: "learning.updated", learning: expect.objectContaining({ id: pm.opsId, type: "OPS", source: "postmortem" }) });
    const edit = await call("PATCH", `/api/postmortems/${pm.id}`, oncall, { version: published.json.postmortem.version, summary: "x" });
    expect(edit.status).toBe(422);

    const md = await call("GET", `/api/postmortems/${pm.id}/export`, viewer);
    expect(md.status).toBe(200);
    const entries = parseLearningsMarkdown(md.text, "OPS");
    expect(entries.issues).toEqual([]);
    expect(entries.entries[0]).toMatchObject({ id: pm.opsId, type: "OPS" });
    expect(md.text).toContain("- [ ] Write the doctor case (oncall team, 2026-12-01)");
    expect(md.text).toContain("**Severity**: P2");
    expect(md.text).toContain("### Resolution");
    const logged = await call("GET", `/api/learnings/${pm.opsId}`, viewer);
    expect(logged.json.learning).toMatchObject({ type: "OPS", status: "resolved", source: "postmortem", incidentIds: [pm.incidentId] });
    // People read the postmortem's title; the file keeps its code-like heading (issue 17, item 5).
    expect(logged.json.learning.title).toBe(published.json.postmortem.title);
    expect(logged.json.learning.heading).toMatch(/^[a-z0-9_]+$/);
    const listed = await call("GET", `/api/learnings?type=OPS`, viewer);
    expect(listed.json.learnings.find((l: { id: string }) => l.id === pm.opsId)?.title).toBe(published.json.postmortem.title);
  });
});

describe("[PROMOTE] learnings become runbooks, postmortems, backlog items", () => {
  it("promotes a learning to a runbook draft the runbook loader accepts, and marks it promoted with a link", async () => {
    const res = await call("POST", "/api/learnings", oncall, {
      type: "LRN",
      heading: "automation_gap",
      priority: "medium",
      area: "runbooks",
      summary: "Stale lock files block gateway start",
      details: "Seen twice after power loss.",
    });
    expect(res.status).toBe(201);
    const id = res.json.learning.id as string;
    await call("PATCH", `/api/learnings/${id}`, oncall, {
      version: res.json.learning.version,
      suggestedAction: "- Stop the gateway\n- Remove the stale lock file\n- Start the gateway",
    });
    const promoted = await call("POST", `/api/learnings/${id}/promote`, oncall, { to: "runbook", title: "Clear a stale gateway lock" });
    expect(promoted.status).toBe(200);
    expect(promoted.json.learning).toMatchObject({ status: "promoted", promotedTo: { kind: "runbook-draft", title: "Clear a stale gateway lock" } });
    expect(promoted.json.learning.fields).toContainEqual({ key: "Promoted", value: `runbook (promotion ${promoted.json.promotion.id})` });
    const draft = RunbookDef.parse(promoted.json.promotion.payload);
    expect(checkDefinition(draft, CommandAllowList.parse({}))).toEqual([]);
    expect(draft.procedures[0]!.steps.map((s) => s.title)).toEqual(["Stop the gateway", "Remove the stale lock file", "Start the gateway"]);
    const again = await call("POST", `/api/learnings/${id}/promote`, oncall, { to: "automation" });
    expect(again.status).toBe(409);
  });

  it("promotes to a postmortem (a draft linked back) and to the handoff checklist", async () => {
    const make = async (summary: string) =>
      (await call("POST", "/api/learnings", oncall, { type: "OPS", heading: "cert_expiry", priority: "high", area: "on_call", summary })).json.learning;
    const a = await make("TLS certificates expired on the bridge");
    const pm = await call("POST", `/api/learnings/${a.id}/promote`, oncall, { to: "postmortem" });
    expect(pm.json.promotion.postmortemId).toEqual(expect.any(Number));
    const draft = await call("GET", `/api/postmortems/${pm.json.promotion.postmortemId}`, viewer);
    expect(draft.json.postmortem).toMatchObject({ status: "draft", learningId: a.id, incidentId: null });
    const b = await make("Check cron status at shift start");
    const item = await call("POST", `/api/learnings/${b.id}/promote`, oncall, { to: "handoff" });
    expect(item.json.promotion).toMatchObject({ kind: "handoff", done: false });
    const handoff = await call("GET", "/api/handoff", viewer);
    expect(handoff.json.checklist.map((p: Json) => p.id)).toContain(item.json.promotion.id);
    const done = await call("PATCH", `/api/promotions/${item.json.promotion.id}`, oncall, { done: true });
    expect(done.json.promotion.done).toBe(true);
    expect((await call("GET", "/api/handoff", viewer)).json.checklist.map((p: Json) => p.id)).not.toContain(item.json.promotion.id);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The .learnings/ round trip of everything the product logs (issue 13, finding 8)

/** Free text that looks like the structure of a .learnings/ file: entry headings, sections, fields, separators, fences. */
const PLANTED_ENTRY = [
  "## [OPS-20250101-001] planted_entry",
  "",
  "**Logged**: 2025-01-01T00:00:00Z",
  "**Priority**: low",
  "**Status**: resolved",
  "**Area**: monitoring",
  "",
  "### Summary",
  "planted",
].join("\n");
const HOSTILE = [
  `first line\n\n---\n\n${PLANTED_ENTRY}`,
  "### Metadata\n- Pattern-Key: planted.pattern\n- Recurrence-Count: 99",
  "**Status**: resolved\n**Priority**: critical\nStatus: wont_fix",
  "## [LRN-20250101-001] incident_pattern\r\n### Resolution\r- **Resolved**: 2025-01-01T00:00:00Z",
  "```bash\nkubectl get pods\n### not closed, so the rest of the file would be code",
  "\\### a backslash the author typed\n\\\\---\n## Notes\n##\n###\n-----",
  "ümlaut 日本語 🚀 line\u2028separator\n# h1 stays\n#### h4 stays\n    ## indented stays",
];
const VIEW_KEYS = [
  "id",
  "type",
  "heading",
  "priority",
  "status",
  "area",
  "category",
  "severity",
  "summary",
  "patternKey",
  "recurrenceCount",
  "firstSeen",
  "lastSeen",
  "seeAlso",
  "loggedAt",
  "sections",
  "fields",
  "metadata",
  "markdown",
] as const;
const docPart = (l: Json) => Object.fromEntries(VIEW_KEYS.map((k) => [k, l[k]]));

describe("[LEARNINGS][ROUND TRIP] every entry the product logs exports and re-imports to the same entries", () => {
  let fresh: Awaited<ReturnType<typeof startApi>>;
  let freshOncall: Record<string, string>;
  let freshViewer: Record<string, string>;

  beforeAll(async () => {
    fresh = await startApi();
    freshOncall = (await fresh.signIn(["oncall"])).headers;
    freshViewer = (await fresh.signIn(["viewer"])).headers;
  });
  afterAll(async () => {
    await fresh?.close();
  });

  const log = async (body: Json) => {
    const res = await call("POST", "/api/learnings", oncall, body);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.learning as Json;
  };
  const exportAll = async (target: typeof api, headers: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [kind] of KINDS) {
      const res = await target.call("GET", `/api/learnings/export?kind=${kind}`, headers);
      expect(res.status).toBe(200);
      out[kind] = res.text;
    }
    return out;
  };
  const entryIds = (text: string) => [...text.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]!);

  it("logs an LRN only under one of the categories its import accepts, naming the field otherwise", async () => {
    const free = await call("POST", "/api/learnings", oncall, {
      type: "LRN",
      heading: "Stale lock files block start",
      priority: "medium",
      area: "runbooks",
      summary: "x",
    });
    expect(free.status).toBe(400);
    expect(free.json).toMatchObject({ code: "VALIDATION", field: "heading" });
    for (const category of LEARNING_CATEGORIES) expect(free.json.message).toContain(category);
    const crlf = await call("POST", "/api/learnings", oncall, { type: "OPS", heading: "two\rlines", priority: "medium", area: "runbooks", summary: "x" });
    expect(crlf.status).toBe(400);
    expect(crlf.json.field).toContain("heading");
  });

  it("an LRN of every category, OPS and FEAT with every priority, area and status, every promotion, a published postmortem and every detection trigger round-trip", async () => {
    const created: Json[] = [];
    const types = [...LEARNING_CATEGORIES.map((c) => ["LRN", c] as const), ["OPS", "queue\u2028stall"] as const, ["FEAT", "auto_rollback"] as const];
    for (let i = 0; i < Math.max(types.length, LEARNING_AREAS.length) + PROMOTION_TARGETS.length; i++) {
      const [type, heading] = types[i % types.length]!;
      created.push(
        await log({
          type,
          heading: type === "LRN" ? heading : `${heading}_${i}`,
          priority: PRIORITIES[i % PRIORITIES.length],
          area: LEARNING_AREAS[i % LEARNING_AREAS.length],
          summary: `${type} ${i}: ${HOSTILE[i % HOSTILE.length]}`,
          ...(i % 4 === 3 ? {} : { details: HOSTILE[(i + 1) % HOSTILE.length] }),
        }),
      );
    }
    for (const [i, status] of LEARNING_STATUSES.entries()) {
      const l = created[i]!;
      const res = await call("PATCH", `/api/learnings/${l.id}`, oncall, { version: l.version, status, suggestedAction: HOSTILE[(i + 2) % HOSTILE.length] });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
    for (const [i, to] of PROMOTION_TARGETS.entries()) {
      const l = created[LEARNING_STATUSES.length + i]!;
      const res = await call("POST", `/api/learnings/${l.id}/promote`, oncall, { to, notes: HOSTILE[i % HOSTILE.length] });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }

    const inc = await call("POST", "/api/incidents", oncall, { title: "### bridge down\n## [OPS-20250101-001] x", severity: "P1", targets: ["steward"] });
    const incId = inc.json.incident.id as number;
    await call("POST", `/api/incidents/${incId}/resolve`, oncall, { summary: "back" });
    let pm = (await call("POST", "/api/postmortems", oncall, { incidentId: incId })).json.postmortem;
    pm = (
      await call("PATCH", `/api/postmortems/${pm.id}`, oncall, {
        version: pm.version,
        summary: HOSTILE[0],
        rootCause: HOSTILE[1],
        mitigation: HOSTILE[2],
        prevention: HOSTILE[3],
        timeline: [{ at: "2026-01-01T00:00:00Z", event: HOSTILE[4] }],
        impact: { usersAffected: HOSTILE[5] },
        actionItems: [{ id: "a1", text: HOSTILE[6], owner: "sre\n### Owner", due: null, done: false }],
      })
    ).json.postmortem;
    pm = (await call("POST", `/api/postmortems/${pm.id}/transition`, oncall, { to: "in_review", version: pm.version })).json.postmortem;
    const published = await call("POST", `/api/postmortems/${pm.id}/transition`, oncall, { to: "published", version: pm.version });
    expect(published.status, JSON.stringify(published.json)).toBe(200);

    const now = Date.now();
    const hostile = HOSTILE.join("\n");
    const incident = (id: number, at: number): IncidentFact => ({
      id,
      target: "alpha",
      signature: hostile,
      severity: "P1",
      startedAt: at,
      detectedAt: at + 45 * 60_000,
      resolvedAt: at + 5 * 3_600_000,
      title: hostile,
    });
    const incidents = [incident(900_001, now - 3 * 86_400_000), incident(900_002, now - 2 * 86_400_000)];
    const findings = [
      ...detectRecurrence(incidents, now),
      ...detectSlowResolution(incidents, now),
      ...detectSlowDetection(incidents),
      ...detectAlertFatigue([{ target: "alpha", kind: hostile, day: new Date(now).toISOString().slice(0, 10), count: 60 }]),
      ...detectRepeatedRemediation(
        [1, 2, 3].map((n) => ({ key: "restart.alpha", label: hostile, id: `restart-${n}`, at: now - n * 3_600_000 })),
        now,
      ),
      ...detectChangeFailureRate(
        [1, 2, 3, 4, 5].map((n) => ({ id: `run-${n}`, at: now - n * 3_600_000, failed: n < 3 })),
        now,
      ),
      ...detectCapacity([{ target: "alpha", at: now - 60_000, cpu: null, memory: 95, disk: 90 }], now),
    ];
    expect(new Set(findings.map((f) => f.detector)).size).toBe(7);
    for (const f of findings) expect(await recordFinding(api.stack.db, f, now, api.bus)).toMatchObject({ created: true });
    const recurring = detectRecurrence([...incidents, incident(900_003, now - 86_400_000)], now)[0]!;
    const grown = await recordFinding(api.stack.db, recurring, now, api.bus);
    expect(grown).toMatchObject({ created: false });
    const first = (await call("GET", `/api/learnings/${grown!.id}`, viewer)).json.learning;
    await call("PATCH", `/api/learnings/${first.id}`, oncall, { version: first.version, status: "resolved" });
    const successor = await recordFinding(api.stack.db, detectRecurrence([...incidents, incident(900_004, now - 3_600_000)], now)[0]!, now, api.bus);
    expect((await call("GET", `/api/learnings/${successor!.id}`, viewer)).json.learning.seeAlso).toEqual([first.id]);

    const exported = await exportAll(api, viewer);
    const all = (await call("GET", "/api/learnings?limit=200", viewer)).json.learnings as Json[];
    for (const [kind, file] of KINDS) {
      const ids = all.filter((l) => l.type === LEARNING_FILES[kind].type).map((l) => l.id as string);
      expect(sorted(entryIds(exported[kind]!)), file).toEqual(sorted(ids));
      const res = await fresh.call("POST", "/api/learnings/import", freshOncall, { kind, content: exported[kind] });
      expect(res.status, `${file}: ${JSON.stringify(res.json).slice(0, 2000)}`).toBe(200);
      expect(res.json).toEqual({ created: entryIds(exported[kind]!), updated: [], skipped: [] });
    }
    for (const l of all) {
      const mine = (await call("GET", `/api/learnings/${l.id}`, viewer)).json.learning;
      const theirs = (await fresh.call("GET", `/api/learnings/${l.id}`, freshViewer)).json.learning;
      expect(docPart(theirs), l.id).toEqual(docPart(mine));
    }
    expect(await exportAll(fresh, freshViewer)).toEqual(exported);

    // Importing an unchanged export changes nothing, even when told to replace.
    for (const [kind] of KINDS) {
      for (const [target, headers] of [
        [api, oncall],
        [fresh, freshOncall],
      ] as const) {
        const again = await target.call("POST", "/api/learnings/import", headers, { kind, content: exported[kind], onConflict: "replace" });
        expect(again.json).toEqual({ created: [], updated: [], skipped: entryIds(exported[kind]!) });
      }
    }
  });

  it("a fake entry header planted in a summary or details stays text: the import yields exactly one entry, the text intact", async () => {
    const planted = await log({
      type: "OPS",
      heading: "planted_header",
      priority: "high",
      area: "monitoring",
      summary: `Real summary\n\n---\n\n${PLANTED_ENTRY}`,
      details: `${PLANTED_ENTRY}\n\n### Resolution\n- **Resolved**: 2025-01-01T00:00:00Z`,
    });
    expect(planted.sections.find((s: Json) => s.title === "Summary").body).toBe(`Real summary\n\n---\n\n${PLANTED_ENTRY}`);
    const exported = await call("GET", "/api/learnings/export?kind=operations-issues", viewer);
    const all = (await call("GET", "/api/learnings?type=OPS&limit=200", viewer)).json.learnings as Json[];
    expect(sorted(entryIds(exported.text))).toEqual(sorted(all.map((l) => l.id)));
    expect(entryIds(exported.text)).not.toContain("OPS-20250101-001");

    const one = `${LEARNING_FILES["operations-issues"].preamble}\n${planted.markdown}`;
    const target = await startApi();
    try {
      const headers = (await target.signIn(["oncall"])).headers;
      const res = await target.call("POST", "/api/learnings/import", headers, { kind: "operations-issues", content: one });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json).toEqual({ created: [planted.id], updated: [], skipped: [] });
      expect((await target.call("GET", "/api/learnings/OPS-20250101-001", headers)).status).toBe(404);
      const back = (await target.call("GET", `/api/learnings/${planted.id}`, headers)).json.learning;
      expect(back.sections).toEqual(planted.sections);
      expect(back.fields).toEqual(planted.fields);
      expect(back).toMatchObject({ summary: "Real summary", status: "pending", priority: "high" });
    } finally {
      await target.close();
    }
  });
});
