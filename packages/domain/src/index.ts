export * from "./status.ts";
export * from "./series.ts";
