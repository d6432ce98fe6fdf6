import { useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { isStatus } from "../../../lib/targets.ts";
import { StatusBadge } from "../../../ui/StatusBadge.tsx";
import { detailsLine, detailsOf, isPerson, NOTE_MAX, sinceStart, validateNote } from "../incidents.ts";
import { useAddNote } from "../queries.ts";
import type { Incident, TimelineEntry, TimelineKind } from "../types.ts";

const KIND: Record<TimelineKind, { label: string; icon: string }> = {
  opened: { label: "Opened", icon: "●" },
  status: { label: "Status", icon: "⇄" },
  restart: { label: "Restart", icon: "↻" },
  escalated: { label: "Escalated", icon: "!" },
  alert: { label: "Alert", icon: "✉" },
  note: { label: "Note", icon: "✎" },
  acknowledged: { label: "Acknowledged", icon: "✓" },
  resolved: { label: "Resolved", icon: "✓" },
  reopened: { label: "Reopened", icon: "↺" },
};

function kindOf(kind: string): { label: string; icon: string } {
  return (KIND as Record<string, { label: string; icon: string }>)[kind] ?? { label: kind, icon: "•" };
}

function Change({ details }: { details: Record<string, unknown> }) {
  const from = isStatus(details.from) ? details.from : null;
  const to = isStatus(details.to) ? details.to : null;
  if (!from && !to) return null;
  return (
    <span className="event__change">
      {from && <StatusBadge status={from} size="sm" />}
      {from && to && (
        <span className="event__arrow" aria-label="to">
          →
        </span>
      )}
      {to && <StatusBadge status={to} size="sm" />}
    </span>
  );
}

function Entry({ e, inc, now, fresh }: { e: TimelineEntry; inc: Incident; now: number; fresh: boolean }) {
  const k = kindOf(e.kind);
  const details = detailsOf(e);
  const { from: _f, to: _t, ...rest } = details ?? {};
  const showChange = details != null && (isStatus(details.from) || isStatus(details.to));
  const extra = detailsLine(showChange ? rest : details);
  return (
    <li className={`tl tl--${e.kind}${fresh ? " tl--fresh" : ""}`} data-kind={e.kind} data-testid="timeline-entry">
      <time className="tl__time" dateTime={e.at} title={new Date(e.at).toString()}>
        {formatTimestamp(e.at, now)}
        <span className="tl__rel">{sinceStart(e.at, inc.startedAt)}</span>
      </time>
      <span className="tl__icon" aria-hidden="true">
        {k.icon}
      </span>
      <div className="tl__body">
        <div className="tl__line">
          <span className="tl__kind">{k.label}</span>
          <span className={isPerson(e.actor) ? "tl__actor tl__actor--person" : "tl__actor"} title={isPerson(e.actor) ? "person" : "automation"}>
            {e.actor}
          </span>
          {showChange && <Change details={details} />}
        </div>
        {e.message && <p className={e.kind === "note" ? "tl__msg tl__msg--note" : "tl__msg"}>{e.message}</p>}
        {extra && <p className="tl__details">{extra}</p>}
      </div>
    </li>
  );
}

/** Entries that arrive while the page is open are marked briefly, so a live change is noticed. */
function Entries({ inc, timeline, now }: { inc: Incident; timeline: readonly TimelineEntry[]; now: number }) {
  const [initial] = useState(() => new Set(timeline.map((e) => e.id)));
  return (
    <ol className="tl-list" data-testid="incident-timeline" aria-live="polite" aria-relevant="additions">
      {timeline.map((e) => (
        <Entry key={e.id} e={e} inc={inc} now={now} fresh={!initial.has(e.id)} />
      ))}
    </ol>
  );
}

export function IncidentTimeline({ inc, timeline, now }: { inc: Incident; timeline: readonly TimelineEntry[]; now: number }) {
  if (timeline.length === 0) {
    return (
      <p className="empty" data-testid="incident-timeline">
        Nothing on the timeline yet.
      </p>
    );
  }
  return <Entries inc={inc} timeline={timeline} now={now} />;
}

export function NoteForm({ id }: { id: number }) {
  const add = useAddNote(id);
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string | null>(null);

  const send = () => {
    if (add.isPending) return;
    const invalid = validateNote(message);
    if (invalid) {
      setError(invalid);
      return;
    }
    setError(null);
    add.mutate(message.trim(), {
      onSuccess: () => setMessage(""),
      onError: (err) => setError(actionErrorMessage(err, "add notes to incidents")),
    });
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    send();
  };
  const left = NOTE_MAX - message.length;

  return (
    <form className="note" onSubmit={submit} noValidate data-testid="incident-note-form">
      <label htmlFor="incident-note" className="sr-only">
        Add a note
      </label>
      <textarea
        id="incident-note"
        rows={2}
        placeholder="Add a note: what you checked, what you changed, who you called…"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          }
        }}
        aria-invalid={error != null || undefined}
        aria-describedby="incident-note-hint"
        data-testid="incident-note"
      />
      <div className="note__bar">
        <span
          id="incident-note-hint"
          className={error ? "field__error" : "field__hint"}
          role={error ? "alert" : undefined}
          data-testid={error ? "incident-note-error" : undefined}
        >
          {error ?? (left < 400 ? `${left} characters left` : "Ctrl+Enter to add")}
        </span>
        <button type="submit" className="btn btn--md btn--primary" disabled={add.isPending} data-testid="incident-note-submit">
          {add.isPending ? "Adding…" : "Add note"}
        </button>
      </div>
    </form>
  );
}
