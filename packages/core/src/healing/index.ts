export * from "./drivers.ts";
export * from "./ladder.ts";
