/**
 * The shapes of the API's answers, as sent over JSON, for the features both the API (packages/core) and the
 * dashboard (apps/web) speak: core builds its views as these types, the web reads them. Types only: no runtime
 * code and no imports, so the web can depend on it without pulling in the server's packages.
 */
export type * from "./runbooks.ts";
export type * from "./postmortems.ts";
export type * from "./learnings.ts";
export type * from "./governance.ts";
export type * from "./backups.ts";
export type * from "./incidents.ts";
export type * from "./tokens.ts";
export type * from "./alerts.ts";
export type * from "./config-versions.ts";
export type * from "./monitoring.ts";
