export * from "./schemas.ts";
export * from "./loader.ts";
export * from "./env.ts";
export * from "./paths.ts";
