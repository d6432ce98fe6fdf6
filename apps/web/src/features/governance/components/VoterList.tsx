import { voterRows } from "../governance.ts";
import type { Proposal } from "../governance.ts";

/** The eligible members: who has voted, and how where ballots are visible (always once closed). */
export function VoterList({ p }: { p: Proposal }) {
  const rows = voterRows(p);
  if (rows.length === 0) return <p className="muted">No eligible members.</p>;
  return (
    <ul className="gov-voters" data-testid="voters">
      {rows.map((r) => (
        <li
          key={r.member}
          className={`gov-voter gov-voter--${r.voted ? (r.choice ?? "hidden") : "none"}`}
          data-testid={`voter-${r.member}`}
          data-voted={r.voted ? "true" : "false"}
          data-choice={r.choice ?? ""}
        >
          <span className="gov-voter__name" title={r.member}>
            {r.member}
            {r.me && <span className="tag tag--you">you</span>}
          </span>
          <span className="gov-voter__vote">
            {!r.voted ? "not voted" : r.choice ? r.choice : "voted (hidden until the close)"}
            {r.changes > 0 && <span className="muted"> · changed {r.changes}×</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
