export * from "./drivers.ts";
export * from "./ladder.ts";
export * from "./process-driver.ts";
export * from "./config-repair.ts";
