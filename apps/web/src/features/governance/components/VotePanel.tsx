import { CHOICES } from "@ops/contract";
import { ActionError } from "../../../ui/Fields.tsx";
import { CHOICE_LABEL } from "../governance.ts";
import { useVote } from "../queries.ts";
import type { Proposal } from "../governance.ts";

/** Why there are no vote buttons, in words; null when the caller may vote. */
export function whyNoVote(p: Proposal, canCast: boolean): string | null {
  if (p.status !== "open") return "Voting has closed.";
  if (!canCast) return "You can follow the vote; casting ballots needs the governance or admin role.";
  if (!p.me.eligible) return p.me.member ? `${p.me.member} is not an eligible member of this proposal.` : "You are not a governance member.";
  return null;
}

/** Yes, no, abstain: the caller's ballot is pressed; another choice changes it until the close. */
export function VotePanel({ p, canCast, overdue }: { p: Proposal; canCast: boolean; overdue: boolean }) {
  const vote = useVote(p.id);
  const why = whyNoVote(p, canCast);
  if (why) {
    return (
      <p className="muted" data-testid="vote-unavailable">
        {why}
      </p>
    );
  }
  return (
    <div className="gov-vote">
      <div className="gov-vote__buttons" role="group" aria-label="Your ballot">
        {CHOICES.map((c) => {
          const mine = p.me.ballot === c;
          return (
            <button
              key={c}
              type="button"
              className={`btn btn--lg gov-vote__btn gov-vote__btn--${c}${mine ? " is-pressed" : ""}`}
              aria-pressed={mine ? "true" : "false"}
              disabled={vote.isPending || overdue}
              onClick={() => {
                if (!mine) vote.mutate(c);
              }}
              data-testid={`vote-${c}`}
            >
              {CHOICE_LABEL[c]}
            </button>
          );
        })}
      </div>
      <p className="muted" data-testid="vote-mine">
        {overdue
          ? "The deadline has passed: the proposal is being closed."
          : p.me.ballot
            ? `You voted ${p.me.ballot} as ${p.me.member}; you may change it until the close.`
            : `You vote as ${p.me.member}.`}
      </p>
      <ActionError mutation={vote} action="vote on proposals" testId="vote-error" />
    </div>
  );
}
