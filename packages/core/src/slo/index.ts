export * from "./rollups.ts";
export * from "./slos.ts";
