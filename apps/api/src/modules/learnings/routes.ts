import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  createLearning,
  createPostmortem,
  exportLearnings,
  exportPostmortem,
  getHandoff,
  getLearning,
  getPostmortem,
  getPromotion,
  importLearnings,
  listLearnings,
  listPatterns,
  listPostmortems,
  listPromotions,
  patchLearning,
  postmortemsForPromotion,
  promoteLearning,
  setPromotionDone,
  transitionPostmortem,
  updatePostmortem,
} from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import {
  Handoff,
  IdParams,
  LearningAnswer,
  LearningExportQuery,
  LearningImportBody,
  LearningImportResult,
  LearningList,
  LearningListQuery,
  LearningParams,
  LearningPatchBody,
  NewLearningBody,
  NewPostmortemBody,
  PatternList,
  PostmortemAnswer,
  PostmortemList,
  PostmortemListQuery,
  PostmortemPatchBody,
  PostmortemTransitionBody,
  PromoteLearningAnswer,
  PromoteLearningBody,
  PromotionAnswer,
  PromotionDoneBody,
  PromotionList,
  PromotionListQuery,
  errorResponses,
} from "@ops/contract";

const MARKDOWN = "text/markdown; charset=utf-8";

export async function learningRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, bus } = deps;

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
        querystring: PostmortemListQuery,
        response: { 200: PostmortemList, ...errorResponses },
      },
    },
    async (req) => ({ postmortems: await listPostmortems(db, req.query) }),
  );
  r.post(
    "/api/postmortems",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags: pmTags,
        summary: "Start the postmortem of an incident: a draft with its timeline and impact filled in",
        body: NewPostmortemBody,
        response: { 201: PostmortemAnswer, ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send({ postmortem: await createPostmortem(db, config, ctxOf(req), req.body.incidentId, bus) }),
  );
  r.get(
    "/api/postmortems/:id",
    {
      config: { auth: "targets:read" },
      schema: { tags: pmTags, summary: "One postmortem", params: IdParams, response: { 200: PostmortemAnswer, ...errorResponses } },
    },
    async (req) => ({ postmortem: await getPostmortem(db, config, req.params.id) }),
  );
  r.patch(
    "/api/postmortems/:id",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags: pmTags,
        summary: "Save edits made on a version; a newer saved version refuses them with 409 (no lost update)",
        params: IdParams,
        body: PostmortemPatchBody,
        response: { 200: PostmortemAnswer, ...errorResponses },
      },
    },
    async (req) => ({ postmortem: await updatePostmortem(db, config, ctxOf(req), req.params.id, req.body, bus) }),
  );
  r.post(
    "/api/postmortems/:id/transition",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags: pmTags,
        summary: "Move a postmortem: draft → in_review → published (in_review → draft to rework); publishing logs its OPS entry",
        params: IdParams,
        body: PostmortemTransitionBody,
        response: { 200: PostmortemAnswer, ...errorResponses },
      },
    },
    async (req) => ({ postmortem: await transitionPostmortem(db, config, ctxOf(req), req.params.id, req.body.to, req.body.version, bus) }),
  );
  r.get(
    "/api/postmortems/:id/export",
    {
      config: { auth: "targets:read" },
      schema: { tags: pmTags, summary: "The postmortem as an OPS entry of OPERATIONS_ISSUES.md (markdown)", params: IdParams, produces: ["text/markdown"] },
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
        querystring: LearningListQuery,
        response: { 200: LearningList, ...errorResponses },
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
        response: { 200: PatternList, ...errorResponses },
      },
    },
    async () => ({ patterns: await listPatterns(db) }),
  );
  r.get(
    "/api/learnings/export",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "LEARNINGS.md, OPERATIONS_ISSUES.md or FEATURE_REQUESTS.md in the .learnings/ format",
        querystring: LearningExportQuery,
        produces: ["text/markdown"],
      },
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
        body: LearningImportBody,
        response: { 200: LearningImportResult, ...errorResponses },
      },
    },
    async (req) => importLearnings(db, ctxOf(req), req.body),
  );
  r.get(
    "/api/learnings/:id",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "One learning with its sections and evidence", params: LearningParams, response: { 200: LearningAnswer, ...errorResponses } },
    },
    async (req) => ({ learning: await getLearning(db, req.params.id) }),
  );
  r.post(
    "/api/learnings",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags,
        summary: "Log a learning by hand",
        body: NewLearningBody,
        response: { 201: LearningAnswer, ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send({ learning: await createLearning(db, ctxOf(req), req.body, bus) }),
  );
  r.patch(
    "/api/learnings/:id",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags,
        summary: "Change a learning's status, priority, area or text (against the version you read)",
        params: LearningParams,
        body: LearningPatchBody,
        response: { 200: LearningAnswer, ...errorResponses },
      },
    },
    async (req) => ({ learning: await patchLearning(db, ctxOf(req), req.params.id, req.body, bus) }),
  );
  r.post(
    "/api/learnings/:id/promote",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags,
        summary:
          "Promote a learning to a runbook draft, a postmortem, an automation-backlog item, a capacity note, a handoff checklist item or an SLO definition",
        params: LearningParams,
        body: PromoteLearningBody,
        response: { 200: PromoteLearningAnswer, ...errorResponses },
      },
    },
    async (req) => promoteLearning(db, ctxOf(req), req.params.id, req.body, { bus, postmortems: postmortemsForPromotion }),
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
        querystring: PromotionListQuery,
        response: { 200: PromotionList, ...errorResponses },
      },
    },
    async (req) => ({
      promotions: await listPromotions(db, {
        kind: req.query.kind,
        done: req.query.done === undefined ? undefined : req.query.done === "true",
        limit: req.query.limit,
      }),
    }),
  );
  r.get(
    "/api/promotions/:id",
    { config: { auth: "targets:read" }, schema: { tags, summary: "One promotion", params: IdParams, response: { 200: PromotionAnswer, ...errorResponses } } },
    async (req) => ({ promotion: await getPromotion(db, req.params.id) }),
  );
  r.patch(
    "/api/promotions/:id",
    {
      config: { auth: "postmortems:write" },
      schema: {
        tags,
        summary: "Tick a backlog or checklist item done (or not)",
        params: IdParams,
        body: PromotionDoneBody,
        response: { 200: PromotionAnswer, ...errorResponses },
      },
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
        response: { 200: Handoff, ...errorResponses },
      },
    },
    async () => getHandoff(db),
  );
}
