/**
 * The one contract: every request, response and WebSocket-frame shape the API and the dashboard exchange,
 * declared once as a zod schema with its inferred type under the same name. The API validates with these
 * schemas (and generates its OpenAPI document from them), core builds its views as these types, and the
 * dashboard imports the types and parses live frames with the same schemas. No imports but zod, so the web
 * can depend on it without pulling in the server's packages.
 */
export * from "./common.ts";
export * from "./identity.ts";
export * from "./runbooks.ts";
export * from "./postmortems.ts";
export * from "./learnings.ts";
export * from "./handoff.ts";
export * from "./governance.ts";
export * from "./backups.ts";
export * from "./incidents.ts";
export * from "./tokens.ts";
export * from "./alerts.ts";
export * from "./config-versions.ts";
export * from "./monitoring.ts";
export * from "./audit.ts";
export * from "./targets.ts";
export * from "./doctor.ts";
export * from "./frames.ts";
export * from "./slo.ts";
export * from "./delivery.ts";
