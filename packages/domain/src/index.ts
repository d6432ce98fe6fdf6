export * from "./status.ts";
export * from "./series.ts";
export * from "./access.ts";
export {
  passwordChecks,
  emailName,
  MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_DISTINCT_CHARACTERS,
  type PasswordCheck,
  type PasswordRuleId,
} from "./password.ts";
export * from "./redact.ts";
export * from "./ladder.ts";
export * from "./incidents.ts";
export * from "./alerts.ts";
export * from "./doctor.ts";
export * from "./runbooks.ts";
export * from "./learnings-markdown.ts";
export * from "./learnings.ts";
export * from "./detection.ts";
export * from "./postmortems.ts";
export * from "./governance.ts";
export * from "./backups.ts";
export * from "./config-files.ts";
export * from "./text.ts";
export * from "./watch.ts";
export * from "./publish.ts";
export * from "./slo.ts";
export * from "./slo-policy.ts";
export * from "./slo-learning.ts";
export * from "./dora.ts";
