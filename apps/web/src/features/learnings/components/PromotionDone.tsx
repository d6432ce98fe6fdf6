import { actionErrorMessage } from "../../../lib/api.ts";
import { useCan } from "../../../lib/session.ts";
import { useSetPromotionDone } from "../queries.ts";
import type { PromotionView } from "@ops/contract";

/** The done tick of a promotion (`promotion-done-<id>`): a checkbox with postmortems:write, a word without. */
/** `onDone` runs with the saved promotion, for a page that keeps its own copy of it (the handoff). */
export function PromotionDone({ promotion, label = "Done", onDone }: { promotion: PromotionView; label?: string; onDone?: (p: PromotionView) => void }) {
  const canWrite = useCan("postmortems:write");
  const set = useSetPromotionDone();
  const testId = `promotion-done-${promotion.id}`;
  if (!canWrite) {
    return (
      <span className={promotion.done ? "promo-state promo-state--done" : "promo-state"} data-testid={testId} data-done={promotion.done}>
        {promotion.done ? "done" : "open"}
      </span>
    );
  }
  return (
    <span className="promo-done">
      <label className="check">
        <input
          type="checkbox"
          checked={set.isPending ? set.variables.done : promotion.done}
          disabled={set.isPending}
          onChange={(e) => set.mutate({ id: promotion.id, done: e.target.checked }, { onSuccess: onDone })}
          data-testid={testId}
        />
        <span>{label}</span>
      </label>
      {set.isError && (
        <span className="inline-error" role="alert">
          {actionErrorMessage(set.error, "update promotions")}
        </span>
      )}
    </span>
  );
}
