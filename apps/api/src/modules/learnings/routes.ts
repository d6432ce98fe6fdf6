import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createLearning,
  createPostmortem,
  createPostmortemFromLearning,
  exportLearnings,
  exportPostmortem,
  getHandoff,
  getLearning,
  getLearningSummary,
  getPostmortem,
  getPromotion,
  importLearnings,
  listLearnings,
  listPatterns,
  listPostmortems,
  listPromotions,
  patchLearning,
  promoteLearning,
  setPromotionDone,
  summaryOf,
  transitionPostmortem,
  updatePostmortem,
  type PostmortemView,
} from "@ops/core";
import {
  DORA_METRICS,
  LEARNING_AREAS,
  LEARNING_CATEGORIES,
  LEARNING_FILES,
  LEARNING_STATUSES,
  LEARNING_TYPES,
  POSTMORTEM_STATUSES,
  PRIORITIES,
  PROMOTION_TARGETS,
  type LearningFileKind,
} from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { Id, IdParams, IdText, Version, errorResponses } from "@ops/contract";

const Text = (max: number) => z.string().max(max);
const TimelineRow = z.object({ at: z.iso.datetime({ offset: true }), event: Text(2000) }).strict();
const ActionItem = z
  .object({ id: z.string().min(1).max(64), text: Text(1000), owner: Text(200), due: z.iso.date().nullable(), done: z.boolean() })
  .strict();
const Metadata = z
  .object({
    trigger: Text(64),
    environment: Text(64),
    servicesAffected: z.array(Text(120)).max(100),
    relatedIncidents: z.array(Text(64)).max(100),
    doraImpact: z.array(z.enum(DORA_METRICS)).max(4),
  })
  .strict();

const Postmortem = z
  .object({
    id: z.number().int(),
    opsId: z.string(),
    incidentId: z.number().int().nullable(),
    incidentKey: z.string().nullable(),
    learningId: z.string().nullable(),
    title: z.string(),
    status: z.enum(POSTMORTEM_STATUSES),
    summary: z.string(),
    timeline: z.array(z.object({ at: z.string(), event: z.string() })),
    usersAffected: z.string(),
    impact: z.object({
      usersAffected: z.string(),
      durationMinutes: z.number().nullable(),
      errorBudgetPercent: z.number().nullable().describe("downtime as a share of the monthly error budget of the SLO, in percent"),
      sloTarget: z.number(),
      budgetMinutes: z.number(),
      severity: z.string().nullable(),
    }),
    rootCause: z.string(),
    mitigation: z.string(),
    prevention: z.string(),
    actionItems: z.array(z.object({ id: z.string(), text: z.string(), owner: z.string(), due: z.string().nullable(), done: z.boolean() })),
    metadata: z.object({ trigger: z.string(), environment: z.string(), servicesAffected: z.array(z.string()), relatedIncidents: z.array(z.string()), doraImpact: z.array(z.string()) }),
    version: z.number().int(),
    createdBy: z.string(),
    updatedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
    publishedBy: z.string().nullable(),
  })
  .meta({ id: "Postmortem" });
const PostmortemSummary = Postmortem.pick({ id: true, opsId: true, incidentId: true, incidentKey: true, title: true, status: true, version: true, updatedBy: true, updatedAt: true, publishedAt: true }).meta({
  id: "PostmortemSummary",
});

const LearningSummary = z
  .object({
    id: z.string(),
    type: z.enum(LEARNING_TYPES),
    heading: z.string(),
    priority: z.string(),
    status: z.string(),
    area: z.string(),
    category: z.string().nullable(),
    severity: z.string().nullable(),
    summary: z.string(),
    patternKey: z.string().nullable(),
    recurrenceCount: z.number().int(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
    seeAlso: z.array(z.string()),
    loggedAt: z.string(),
    source: z.string().describe("manual, import, postmortem, or detector:<trigger>"),
    promotedTo: z.object({ kind: z.string(), id: z.number().int(), title: z.string() }).nullable(),
    incidentIds: z.array(z.number().int()),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: "LearningSummary" });
const KeyValue = z.object({ key: z.string(), value: z.string() });
const Learning = LearningSummary.extend({
  sections: z.array(z.object({ title: z.string(), body: z.string() })),
  fields: z.array(KeyValue),
  metadata: z.array(KeyValue),
  evidence: z.unknown(),
  markdown: z.string().describe("the entry in the .learnings/ format"),
}).meta({ id: "Learning" });

const Promotion = z
  .object({
    id: z.number().int(),
    kind: z.enum(["runbook-draft", "postmortem", "automation", "capacity", "handoff", "slo"]),
    learningId: z.string(),
    title: z.string(),
    body: z.string(),
    payload: z.unknown(),
    done: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    postmortemId: z.number().int().nullable(),
  })
  .meta({ id: "Promotion" });

const FileKind = z.enum(Object.keys(LEARNING_FILES) as [LearningFileKind, ...LearningFileKind[]]);
const PmId = IdParams;
const LearningId = z.object({ id: z.string().regex(/^(LRN|OPS|FEAT)-\d{8}-[A-Z0-9]{3}$/, "must look like LRN-20250415-001") });
const MARKDOWN = "text/markdown; charset=utf-8";

export async function learningRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = deps;
  const pushPm = async (p: PostmortemView) => {
    await deps.bus.publish({ type: "postmortem.updated", postmortem: summaryOf(p) }).catch(() => {});
    return p;
  };
  const pushLearning = async (id: string) => {
    await deps.bus.publish({ type: "learning.updated", learning: await getLearningSummary(db.sql, id) }).catch(() => {});
  };

  // ---------------------------------------------------------------------------------------------------
  // Postmortems
  const pmTags = ["postmortems"];
  r.get(
    "/api/postmortems",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: pmTags,
        summary: "Postmortems, newest first",
        querystring: z.object({ status: z.enum(POSTMORTEM_STATUSES).optional(), incident: IdText.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ postmortems: z.array(PostmortemSummary) }), ...errorResponses },
      },
    },
    async (req) => ({ postmortems: await listPostmortems(db, config, req.query) }),
  );
  r.post(
    "/api/postmortems",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags: pmTags,
        summary: "Start the postmortem of an incident: a draft with its timeline and impact filled in",
        body: z.object({ incidentId: Id }),
        response: { 201: z.object({ postmortem: Postmortem }), ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send({ postmortem: await pushPm(await createPostmortem(db, config, ctxOf(req), req.body.incidentId)) }),
  );
  r.get(
    "/api/postmortems/:id",
    { config: { auth: "targets:read" }, schema: { tags: pmTags, summary: "One postmortem", params: PmId, response: { 200: z.object({ postmortem: Postmortem }), ...errorResponses } } },
    async (req) => ({ postmortem: await getPostmortem(db, config, req.params.id) }),
  );
  r.patch(
    "/api/postmortems/:id",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags: pmTags,
        summary: "Save edits made on a version; a newer saved version refuses them with 409 (no lost update)",
        params: PmId,
        body: z
          .object({
            version: Version,
            title: z.string().trim().min(1).max(200).optional(),
            summary: Text(20_000).optional(),
            timeline: z.array(TimelineRow).max(500).optional(),
            impact: z.object({ usersAffected: Text(500) }).strict().optional(),
            rootCause: Text(20_000).optional(),
            mitigation: Text(20_000).optional(),
            prevention: Text(20_000).optional(),
            actionItems: z.array(ActionItem).max(200).optional(),
            metadata: Metadata.optional(),
          })
          .strict(),
        response: { 200: z.object({ postmortem: Postmortem }), ...errorResponses },
      },
    },
    async (req) => ({ postmortem: await pushPm(await updatePostmortem(db, config, ctxOf(req), req.params.id, req.body)) }),
  );
  r.post(
    "/api/postmortems/:id/transition",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags: pmTags,
        summary: "Move a postmortem: draft → in_review → published (in_review → draft to rework); publishing logs its OPS entry",
        params: PmId,
        body: z.object({ to: z.enum(POSTMORTEM_STATUSES), version: Version }),
        response: { 200: z.object({ postmortem: Postmortem }), ...errorResponses },
      },
    },
    async (req) => {
      const p = await pushPm(await transitionPostmortem(db, config, ctxOf(req), req.params.id, req.body.to, req.body.version));
      if (p.status === "published") await pushLearning(p.opsId);
      return { postmortem: p };
    },
  );
  r.get(
    "/api/postmortems/:id/export",
    {
      config: { auth: "targets:read" },
      schema: { tags: pmTags, summary: "The postmortem as an OPS entry of OPERATIONS_ISSUES.md (markdown)", params: PmId, produces: ["text/markdown"] },
    },
    async (req, reply) => {
      const { file, content } = await exportPostmortem(db, config, req.params.id);
      return reply.type(MARKDOWN).header("content-disposition", `attachment; filename="${file}"`).send(content);
    },
  );

  // ---------------------------------------------------------------------------------------------------
  // Learnings
  const tags = ["learnings"];
  r.get(
    "/api/learnings",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "Learnings (LRN, OPS, FEAT), newest first, with full-text search and filters",
        querystring: z.object({
          q: z.string().max(200).optional(),
          type: z.enum(LEARNING_TYPES).optional(),
          status: z.enum(LEARNING_STATUSES).optional(),
          priority: z.enum(PRIORITIES).optional(),
          area: z.enum(LEARNING_AREAS).optional(),
          category: z.enum(LEARNING_CATEGORIES).optional(),
          incident: IdText.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.string().max(40).optional(),
        }),
        response: { 200: z.object({ learnings: z.array(LearningSummary) }), ...errorResponses },
      },
    },
    async (req) => ({ learnings: await listLearnings(db, req.query) }),
  );
  r.get(
    "/api/learnings/patterns",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "Recurring patterns: Pattern-Keys seen twice or more, most recurrent first",
        response: {
          200: z.object({
            patterns: z.array(
              z.object({
                patternKey: z.string(),
                learningId: z.string(),
                heading: z.string(),
                type: z.enum(LEARNING_TYPES),
                recurrenceCount: z.number().int(),
                firstSeen: z.string().nullable(),
                lastSeen: z.string().nullable(),
                priority: z.string(),
                status: z.string(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({ patterns: await listPatterns(db) }),
  );
  r.get(
    "/api/learnings/export",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "LEARNINGS.md, OPERATIONS_ISSUES.md or FEATURE_REQUESTS.md in the .learnings/ format", querystring: z.object({ kind: FileKind }), produces: ["text/markdown"] },
    },
    async (req, reply) => {
      const { file, content } = await exportLearnings(db, req.query.kind);
      return reply.type(MARKDOWN).header("content-disposition", `attachment; filename="${file}"`).send(content);
    },
  );
  r.post(
    "/api/learnings/import",
    {
      config: { auth: "postmortems:write" },
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags,
        summary: "Import a .learnings/ file; a malformed one is refused entry by entry with line numbers and nothing is stored",
        body: z.object({ kind: FileKind, content: z.string().min(1).max(5_000_000), onConflict: z.enum(["skip", "replace"]).optional() }),
        response: { 200: z.object({ created: z.array(z.string()), updated: z.array(z.string()), skipped: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (req) => importLearnings(db, ctxOf(req), req.body),
  );
  r.get(
    "/api/learnings/:id",
    { config: { auth: "targets:read" }, schema: { tags, summary: "One learning with its sections and evidence", params: LearningId, response: { 200: z.object({ learning: Learning }), ...errorResponses } } },
    async (req) => ({ learning: await getLearning(db, req.params.id) }),
  );
  r.post(
    "/api/learnings",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags,
        summary: "Log a learning by hand",
        body: z.object({
          type: z.enum(LEARNING_TYPES),
          heading: z
            .string()
            .trim()
            .min(1)
            .max(120)
            .regex(/^[^\r\n\]]+$/, "one line without ']'")
            .describe(`an LRN entry's category (${LEARNING_CATEGORIES.join(", ")}); a short name for OPS and FEAT`),
          priority: z.enum(PRIORITIES),
          area: z.enum(LEARNING_AREAS),
          summary: z.string().trim().min(1).max(2000),
          details: Text(20_000).optional(),
        }),
        response: { 201: z.object({ learning: Learning }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const learning = await createLearning(db, ctxOf(req), req.body);
      await pushLearning(learning.id);
      return reply.code(201).send({ learning });
    },
  );
  r.patch(
    "/api/learnings/:id",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags,
        summary: "Change a learning's status, priority, area or text (against the version you read)",
        params: LearningId,
        body: z
          .object({
            version: Version,
            status: z.enum(LEARNING_STATUSES).optional(),
            priority: z.enum(PRIORITIES).optional(),
            area: z.enum(LEARNING_AREAS).optional(),
            summary: z.string().trim().min(1).max(2000).optional(),
            details: Text(20_000).optional(),
            suggestedAction: Text(20_000).optional(),
          })
          .strict(),
        response: { 200: z.object({ learning: Learning }), ...errorResponses },
      },
    },
    async (req) => {
      const learning = await patchLearning(db, ctxOf(req), req.params.id, req.body);
      await pushLearning(learning.id);
      return { learning };
    },
  );
  r.post(
    "/api/learnings/:id/promote",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags,
        summary: "Promote a learning to a runbook draft, a postmortem, an automation-backlog item, a capacity note, a handoff checklist item or an SLO definition",
        params: LearningId,
        body: z.object({ to: z.enum(PROMOTION_TARGETS), title: z.string().trim().max(200).optional(), notes: Text(5000).optional() }),
        response: { 200: z.object({ learning: Learning, promotion: Promotion }), ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const out = await promoteLearning(db, ctx, req.params.id, req.body, (tx, doc, title) => createPostmortemFromLearning(tx, ctx, doc, title));
      await pushLearning(out.learning.id);
      if (out.promotion.postmortemId !== null) await pushPm(await getPostmortem(db, config, out.promotion.postmortemId));
      return out;
    },
  );

  // ---------------------------------------------------------------------------------------------------
  // Promotions and the handoff view
  r.get(
    "/api/promotions",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "What learnings became: runbook drafts, automation backlog, capacity notes, handoff checklist, SLO definitions",
        querystring: z.object({ kind: Promotion.shape.kind.optional(), done: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ promotions: z.array(Promotion) }), ...errorResponses },
      },
    },
    async (req) => ({ promotions: await listPromotions(db, { kind: req.query.kind, done: req.query.done === undefined ? undefined : req.query.done === "true", limit: req.query.limit }) }),
  );
  r.get(
    "/api/promotions/:id",
    { config: { auth: "targets:read" }, schema: { tags, summary: "One promotion", params: PmId, response: { 200: z.object({ promotion: Promotion }), ...errorResponses } } },
    async (req) => ({ promotion: await getPromotion(db, req.params.id) }),
  );
  r.patch(
    "/api/promotions/:id",
    {
      config: { auth: "postmortems:write" },
      schema: { tags, summary: "Tick a backlog or checklist item done (or not)", params: PmId, body: z.object({ done: z.boolean() }).strict(), response: { 200: z.object({ promotion: Promotion }), ...errorResponses } },
    },
    async (req) => ({ promotion: await setPromotionDone(db, ctxOf(req), req.params.id, req.body.done) }),
  );
  r.get(
    "/api/handoff",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["incidents"],
        summary: "The on-call handoff: open incidents, pending high/critical learnings, the last 24 h of restarts, the checklist, unfinished runs",
        response: {
          200: z.object({
            openIncidents: z.array(z.unknown()),
            learnings: z.array(LearningSummary),
            restarts: z.array(z.object({ id: z.number().int(), target: z.string(), attempt: z.number().int(), status: z.string(), startedAt: z.string(), reason: z.string() })),
            checklist: z.array(Promotion),
            runs: z.array(z.unknown()),
          }),
          ...errorResponses,
        },
      },
    },
    async () => getHandoff(db),
  );
}
