import { PRIORITY_LABEL, recurrenceText, STATUS_LABEL, TYPE_LABEL } from "../learnings.ts";
import type { LearningStatus, LearningType, Priority } from "@ops/contract";

export function LearningTypeBadge({ type, testId }: { type: LearningType; testId?: string }) {
  return (
    <span className={`lrn-type lrn-type--${type}`} title={TYPE_LABEL[type]} data-type={type} data-testid={testId}>
      {type}
    </span>
  );
}

export function PriorityBadge({ priority, testId, size = "sm" }: { priority: Priority; testId?: string; size?: "sm" | "md" | "lg" }) {
  return (
    <span className={`badge badge--${size} lrn-priority lrn-priority--${priority}`} data-priority={priority} data-testid={testId}>
      {PRIORITY_LABEL[priority]}
    </span>
  );
}

export function LearningStatusBadge({ status, testId }: { status: LearningStatus; testId?: string }) {
  return (
    <span className={`inc-status lrn-status--${status}`} data-status={status} data-testid={testId}>
      {STATUS_LABEL[status]}
    </span>
  );
}

export function Recurrence({ count, testId }: { count: number; testId?: string }) {
  const text = recurrenceText(count);
  if (!text) return null;
  return (
    <span className="lrn-recur" title={`Seen ${count} times`} data-testid={testId}>
      {text}
    </span>
  );
}
