export * from "./rollups.ts";
export * from "./slos.ts";
export * from "./alerts.ts";
export * from "./config.ts";
