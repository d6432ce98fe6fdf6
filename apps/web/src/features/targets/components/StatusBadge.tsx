import { STATUS_LABEL } from "../status.ts";
import type { Status } from "../types.ts";

type Props = {
  status: Status;
  /** Replaces the status word, e.g. "Not monitored" for a disabled target. */
  label?: string;
  size?: "sm" | "md" | "lg";
  testId?: string;
};

export function StatusBadge({ status, label, size = "md", testId }: Props) {
  return (
    <span className={`badge badge--${status} badge--${size}`} data-status={status} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {label ?? STATUS_LABEL[status]}
    </span>
  );
}
