import { formatTimestamp } from "../../../lib/format.ts";
import { QueryBody } from "../../../ui/QueryState.tsx";
import { Table } from "../../../ui/Table.tsx";
import { describeEvent, EVENT_LABEL } from "../governance.ts";
import { useProposalEvents } from "../queries.ts";

const HEADS = ["Time", "Event", "Member", "Details"];

/** The proposal's part of the governance log, oldest first. */
export function ProposalEvents({ id, open, now }: { id: number; open: boolean; now: number }) {
  const q = useProposalEvents(id, open);
  return (
    <QueryBody
      query={q}
      what="the governance log"
      action="view the governance log"
      errorTestId="prop-events-error"
      empty="Nothing logged yet."
      emptyTestId="prop-events-empty"
    >
      {(events) => (
        <Table heads={HEADS} testId="prop-events-table" className="gov-events">
          {events.map((e) => (
            <tr key={e.id} data-testid={`prop-event-${e.id}`} data-kind={e.kind}>
              <td className="cell-nowrap cell-time">
                <time dateTime={e.at} title={e.at ? new Date(e.at).toString() : undefined}>
                  {formatTimestamp(e.at, now)}
                </time>
              </td>
              <td className="cell-nowrap">
                <span className={`gov-event gov-event--${e.kind}`}>{EVENT_LABEL[e.kind] ?? e.kind}</span>
              </td>
              <td className="cell-clip" title={e.member ?? e.actor}>
                {e.member ?? <span className="muted">{e.actor || "—"}</span>}
              </td>
              <td className="cell-note gov-event-details" data-testid="prop-event-details">
                {describeEvent(e)}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </QueryBody>
  );
}
