import { STATUS_LABEL } from "../postmortems.ts";
import type { PostmortemStatus } from "@ops/contract";

export function PostmortemStatusBadge({ status, testId, size = "md" }: { status: PostmortemStatus; testId?: string; size?: "sm" | "md" | "lg" }) {
  return (
    <span className={`badge badge--${size} pm-status pm-status--${status}`} data-status={status} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}
