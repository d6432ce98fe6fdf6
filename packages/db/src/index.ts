export * from "./schema/index.ts";
export * from "./client.ts";
export * from "./columns.ts";
export * from "./migrate.ts";
export * from "./partitions.ts";
