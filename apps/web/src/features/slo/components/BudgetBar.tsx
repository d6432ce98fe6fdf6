/** Remaining budget as a bar (no chart library: the overview and the target page draw many). The text beside it says the number. */
export function BudgetBar({ remainingPercent, testId }: { remainingPercent: number; testId?: string }) {
  const p = Math.min(100, Math.max(0, remainingPercent));
  const tone = p <= 0 ? "out" : p < 25 ? "low" : p < 50 ? "mid" : "ok";
  return (
    <span className={`slo-bar slo-bar--${tone}`} aria-hidden="true" data-testid={testId}>
      <span className="slo-bar__fill" style={{ width: `${p}%` }} />
    </span>
  );
}
