export * from "./targets.ts";
export * from "./identity.ts";
