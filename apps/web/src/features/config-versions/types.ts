/** The config file's shapes are the contract the API builds them by. */
export type {
  ConfigIssue,
  ConfigRestoreAnswer as RestoreResult,
  ConfigStatus,
  ConfigValidation,
  ConfigVersion,
  ConfigVersionKind,
  ConfigVersionSummary,
} from "@ops/contract";
