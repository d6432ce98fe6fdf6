export * from "./targets.ts";
