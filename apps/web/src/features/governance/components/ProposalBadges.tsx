import { OUTCOME_LABEL } from "../governance.ts";
import type { Category, ProposalSummary } from "@ops/contract";

/** The category in its own colour; lower case, as the rules name it. */
export function CategoryBadge({ category, testId, size = "md" }: { category: Category; testId?: string; size?: "sm" | "md" | "lg" }) {
  return (
    <span className={`badge badge--${size} gov-badge gov-cat gov-cat--${category}`} data-category={category} data-testid={testId}>
      {category}
    </span>
  );
}

/** "open" while voting runs, then the outcome: passed, rejected, expired, withdrawn. */
export function ProposalStateBadge({ p, testId, size = "md" }: { p: Pick<ProposalSummary, "status" | "outcome">; testId?: string; size?: "sm" | "md" | "lg" }) {
  const state = p.status === "open" ? "open" : (p.outcome ?? "closed");
  return (
    <span className={`badge badge--${size} gov-badge gov-state gov-state--${state}`} data-status={p.status} data-outcome={p.outcome ?? ""} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {p.status === "open" ? "open" : p.outcome ? OUTCOME_LABEL[p.outcome] : "closed"}
    </span>
  );
}
