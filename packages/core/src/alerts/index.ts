export * from "./alerts.ts";
export * from "./channels.ts";
