import { STATUS_LABEL } from "../lib/target-status.ts";
import type { Status } from "../lib/targets.ts";

type Props = {
  status: Status;
  /** Replaces the status word, e.g. "Not monitored" for a disabled target or "Starting" while the ladder brings it up. */
  label?: string;
  /** "starting": the ladder is bringing the target up, so the badge is not the alarm red of a plain down. */
  tone?: "starting";
  size?: "sm" | "md" | "lg";
  testId?: string;
};

export function StatusBadge({ status, label, tone, size = "md", testId }: Props) {
  const cls = `badge badge--${tone ?? status} badge--${size}`;
  return (
    <span className={cls} data-status={status} data-tone={tone} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {label ?? STATUS_LABEL[status]}
    </span>
  );
}
