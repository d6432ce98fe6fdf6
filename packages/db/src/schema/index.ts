export * from "./targets.ts";
export * from "./identity.ts";
export * from "./healing.ts";
export * from "./incidents.ts";
export * from "./alerts.ts";
export * from "./doctor.ts";
export * from "./runbooks.ts";
export * from "./learnings.ts";
