export * from "./status.ts";
export * from "./series.ts";
export * from "./access.ts";
export * from "./redact.ts";
export * from "./ladder.ts";
export * from "./incidents.ts";
export * from "./alerts.ts";
export * from "./doctor.ts";
