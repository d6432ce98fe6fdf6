import { ladderLine } from "../healing.ts";
import type { ActiveHealingState } from "../healing.ts";
import type { Healing } from "../types.ts";

const ICON: Record<ActiveHealingState, string> = { waiting: "↻", restarting: "↻", escalated: "!", paused: "‖" };

/** One line, never wrapping: what the self-healing ladder is doing about this target. Nothing when idle. */
export function LadderLine({ healing, now, testId }: { healing: Healing | null; now: number; testId?: string }) {
  const line = ladderLine(healing, now);
  if (!line) return null;
  return (
    <p className={`ladder ladder--${line.state}`} data-testid={testId} data-state={line.state} title={line.text}>
      <span className="ladder__icon" aria-hidden="true">
        {ICON[line.state]}
      </span>
      <span className="ladder__text">{line.text}</span>
    </p>
  );
}
