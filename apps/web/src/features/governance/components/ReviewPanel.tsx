import type { Verdict } from "@ops/contract";
import { useState } from "react";
import { formatTimestamp } from "../../../lib/format.ts";
import { ActionError } from "../../../ui/Fields.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { reviewStates } from "../governance.ts";
import { useReview } from "../queries.ts";
import type { Proposal } from "../governance.ts";

const STATE_LABEL = { awaited: "awaited", approve: "approved", reject: "rejected" } as const;

/** The reviews the category requires, with their verdicts. */
export function RequiredReviews({ p, now }: { p: Proposal; now: number }) {
  const states = reviewStates(p);
  if (states.length === 0) {
    return (
      <p className="muted" data-testid="reviews-none">
        This category needs no review.
      </p>
    );
  }
  return (
    <ul className="gov-reviews">
      {states.map((r) => (
        <li key={r.duty} className={`gov-review gov-review--${r.state}`} data-testid={`review-${r.duty}`} data-state={r.state}>
          <span className="gov-review__duty">{r.duty} review</span>
          <span className="gov-review__state">{STATE_LABEL[r.state]}</span>
          {r.member && (
            <span className="muted">
              by {r.member}
              {r.at && ` at ${formatTimestamp(r.at, now)}`}
            </span>
          )}
          {r.note && <q className="gov-review__note">{r.note}</q>}
        </li>
      ))}
    </ul>
  );
}

/** Approve or reject, with a note: for the member holding a duty this proposal requires, while it is open. */
export function ReviewForm({ p, canCast, overdue }: { p: Proposal; canCast: boolean; overdue: boolean }) {
  const review = useReview(p.id);
  const [note, setNote] = useState("");
  const [duty, setDuty] = useState(p.me.duties[0] ?? "");
  if (p.status !== "open" || !canCast || p.me.duties.length === 0) return null;
  const submit = (verdict: Verdict) => review.mutate({ verdict, note, duty: p.me.duties.length > 1 ? duty : undefined }, { onSuccess: () => setNote("") });
  const given = p.reviews.find((r) => r.duty === duty);
  return (
    <div className="gov-review-form" data-testid="review-form">
      <h3>Your review{p.me.duties.length === 1 ? ` (${p.me.duties[0]})` : ""}</h3>
      {p.me.duties.length > 1 && <SelectField id="review-duty" label="As" value={duty} options={optionsOf(p.me.duties, (d) => d)} onChange={setDuty} />}
      {given && <p className="muted">You {given.verdict === "approve" ? "approved" : "rejected"} it; recording again replaces that.</p>}
      <div className="field">
        <label htmlFor="review-note">Note (optional)</label>
        <textarea id="review-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} data-testid="review-note" />
      </div>
      <div className="form__actions">
        <button
          type="button"
          className="btn btn--md btn--ok"
          disabled={review.isPending || overdue}
          onClick={() => submit("approve")}
          data-testid="review-approve"
        >
          Approve
        </button>
        <button
          type="button"
          className="btn btn--md btn--danger"
          disabled={review.isPending || overdue}
          onClick={() => submit("reject")}
          data-testid="review-reject"
        >
          Reject
        </button>
      </div>
      <ActionError mutation={review} action="review proposals" testId="review-error" />
    </div>
  );
}
