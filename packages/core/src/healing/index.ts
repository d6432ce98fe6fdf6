export * from "./drivers.ts";
export * from "./ladder.ts";
export * from "./config-repair.ts";
