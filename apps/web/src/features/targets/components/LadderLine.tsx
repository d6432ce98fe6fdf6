import type { HealingView } from "@ops/contract";
import { describeHealing } from "../healing.ts";
import type { ActiveHealingState } from "../healing.ts";

const ICON: Record<ActiveHealingState, string> = { waiting: "↻", restarting: "↻", starting: "▲", escalated: "!", paused: "‖" };

/**
 * What the self-healing ladder is doing about this target, in words; nothing when idle. The line wraps
 * rather than cutting words; a `compact` (tile) line shortens the escalation reason, all of it on hover.
 */
export function LadderLine({ healing, now, testId, compact }: { healing: HealingView | null; now: number; testId?: string; compact?: boolean }) {
  const line = describeHealing(healing, now, { compact });
  if (!line) return null;
  const whole = compact ? describeHealing(healing, now) : line;
  const full = whole?.detail ? `${whole.text} · ${whole.detail}` : (whole?.text ?? line.text);
  return (
    <div className={`ladder ladder--${line.state}`} data-testid={testId} data-state={line.state} title={full}>
      <span className="ladder__icon" aria-hidden="true">
        {ICON[line.state]}
      </span>
      <span className="ladder__body">
        <span className="ladder__text" data-testid={testId ? `${testId}-text` : undefined}>
          {line.text}
        </span>
        {line.detail && (
          <span className="ladder__detail" data-testid={testId ? `${testId}-detail` : undefined}>
            {line.detail}
          </span>
        )}
      </span>
    </div>
  );
}
