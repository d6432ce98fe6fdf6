import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { CommandAllowList, RunbookDef, checkDefinition, parseLearningsMarkdown } from "@ops/domain";
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
    const published = await call("POST", `/api/postmortems/${pm.id}/transition`, oncall, { to: "published", version: review.json.postmortem.version });
    expect(published.status).toBe(200);
    expect(published.json.postmortem).toMatchObject({ status: "published", publishedBy: expect.stringContaining("@test.local") });
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
    await call("PATCH", `/api/learnings/${id}`, oncall, { version: res.json.learning.version, suggestedAction: "- Stop the gateway\n- Remove the stale lock file\n- Start the gateway" });
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
    const make = async (summary: string) => (await call("POST", "/api/learnings", oncall, { type: "OPS", heading: "cert_expiry", priority: "high", area: "on_call", summary })).json.learning;
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
