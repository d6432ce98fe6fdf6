export * from "./exposition.ts";
export * from "./probe-counters.ts";
export * from "./collect.ts";
export * from "./process.ts";
export * from "./slo.ts";
