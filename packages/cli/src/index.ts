export * from "./config-check.ts";
