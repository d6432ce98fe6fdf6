export * from "./api-tokens.ts";
export * from "./audit.ts";
export * from "./context.ts";
export * from "./logs.ts";
export * from "./secrets.ts";
export * from "./sessions.ts";
export * from "./user-view.ts";
export * from "./users.ts";
