import type { Dispatch, SetStateAction } from "react";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { addActionItem, addTimelineRow, DORA_LABEL, ENVIRONMENT_LABEL, labelOf, removeAt, replaceAt, toggleIn, TRIGGER_LABEL } from "../postmortems.ts";
import type { PostmortemDraft } from "../postmortems.ts";
import { DORA_METRICS, ENVIRONMENTS, TRIGGERS } from "@ops/contract";
import type { Impact } from "@ops/contract";
import { ImpactBox } from "./ImpactBox.tsx";
import { RowsEditor } from "./RowsEditor.tsx";
import { TextField } from "./TextField.tsx";

type Props = {
  draft: PostmortemDraft;
  setDraft: Dispatch<SetStateAction<PostmortemDraft>>;
  impact: Impact;
};

const TRIGGER_OPTIONS = optionsOf(TRIGGERS, (t) => labelOf(TRIGGER_LABEL, t));
const ENVIRONMENT_OPTIONS = optionsOf(ENVIRONMENTS, (e) => labelOf(ENVIRONMENT_LABEL, e));

/** The editor's left column: every field of the postmortem. */
export function PostmortemForm({ draft, setDraft, impact }: Props) {
  const set =
    <K extends keyof PostmortemDraft>(key: K) =>
    (value: PostmortemDraft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));
  const setTimeline = (f: (rows: PostmortemDraft["timeline"]) => PostmortemDraft["timeline"]) => setDraft((d) => ({ ...d, timeline: f(d.timeline) }));
  const setItems = (f: (rows: PostmortemDraft["actionItems"]) => PostmortemDraft["actionItems"]) => setDraft((d) => ({ ...d, actionItems: f(d.actionItems) }));

  return (
    <form className="form pm-form" onSubmit={(e) => e.preventDefault()} aria-label="Postmortem">
      <TextField id="pm-title" label="Title" value={draft.title} onChange={set("title")} />
      <TextField id="pm-summary" label="Summary" value={draft.summary} onChange={set("summary")} markdown rows={4} />

      <fieldset className="pm-fieldset">
        <legend>Timeline</legend>
        <p className="field__hint">Times are in UTC.</p>
        <RowsEditor
          rows={draft.timeline}
          testId="pm-timeline"
          variant="timeline"
          noun="timeline row"
          empty="No timeline entries."
          onAdd={() => setTimeline((r) => addTimelineRow(r, new Date().toISOString()))}
          onRemove={(i) => setTimeline((r) => removeAt(r, i))}
        >
          {(row, i) => (
            <>
              <label className="pm-row__at">
                <span className="sr-only">Time of row {i + 1} (UTC)</span>
                <input
                  type="datetime-local"
                  value={row.at}
                  onChange={(e) => setTimeline((r) => replaceAt(r, i, { at: e.target.value }))}
                  data-testid={`pm-timeline-at-${i}`}
                />
                <span className="pm-utc">UTC</span>
              </label>
              <label className="pm-row__grow pm-row__event">
                <span className="sr-only">Event of row {i + 1}</span>
                <input
                  type="text"
                  value={row.event}
                  placeholder="What happened"
                  onChange={(e) => setTimeline((r) => replaceAt(r, i, { event: e.target.value }))}
                  data-testid={`pm-timeline-event-${i}`}
                />
              </label>
            </>
          )}
        </RowsEditor>
      </fieldset>

      <fieldset className="pm-fieldset">
        <legend>Impact</legend>
        <TextField
          id="pm-users-affected"
          label="Users affected"
          value={draft.usersAffected}
          onChange={set("usersAffected")}
          placeholder="e.g. all agents on steward, ~40 users"
        />
        <ImpactBox impact={impact} />
      </fieldset>

      <TextField id="pm-root-cause" label="Root cause" value={draft.rootCause} onChange={set("rootCause")} markdown />
      <TextField id="pm-mitigation" label="Mitigation" value={draft.mitigation} onChange={set("mitigation")} markdown />
      <TextField id="pm-prevention" label="Prevention" value={draft.prevention} onChange={set("prevention")} markdown />

      <fieldset className="pm-fieldset">
        <legend>Action items</legend>
        <RowsEditor
          rows={draft.actionItems}
          testId="pm-action"
          variant="actions"
          noun="action item"
          empty="No action items."
          onAdd={() => setItems(addActionItem)}
          onRemove={(i) => setItems((r) => removeAt(r, i))}
        >
          {(item, i) => (
            <>
              <label className="check pm-row__done">
                <input
                  type="checkbox"
                  checked={item.done}
                  onChange={(e) => setItems((r) => replaceAt(r, i, { done: e.target.checked }))}
                  data-testid={`pm-action-done-${i}`}
                />
                <span className="sr-only">Action item {i + 1} done</span>
              </label>
              <label className="pm-row__grow pm-row__text">
                <span className="sr-only">Action item {i + 1}</span>
                <input
                  type="text"
                  value={item.text}
                  placeholder="What to do"
                  onChange={(e) => setItems((r) => replaceAt(r, i, { text: e.target.value }))}
                  data-testid={`pm-action-text-${i}`}
                />
              </label>
              <label className="pm-row__owner">
                <span className="sr-only">Owner of action item {i + 1}</span>
                <input
                  type="text"
                  value={item.owner}
                  placeholder="Owner"
                  onChange={(e) => setItems((r) => replaceAt(r, i, { owner: e.target.value }))}
                  data-testid={`pm-action-owner-${i}`}
                />
              </label>
              <label className="pm-row__due">
                <span className="sr-only">Due date of action item {i + 1}</span>
                <input
                  type="date"
                  value={item.due ?? ""}
                  onChange={(e) => setItems((r) => replaceAt(r, i, { due: e.target.value || null }))}
                  data-testid={`pm-action-due-${i}`}
                />
              </label>
            </>
          )}
        </RowsEditor>
      </fieldset>

      <fieldset className="pm-fieldset">
        <legend>Metadata</legend>
        <div className="form__row">
          <SelectField
            id="pm-trigger"
            label="Trigger"
            value={draft.trigger}
            options={TRIGGER_OPTIONS}
            empty={draft.trigger ? undefined : "Choose…"}
            onChange={set("trigger")}
          />
          <SelectField
            id="pm-environment"
            label="Environment"
            value={draft.environment}
            options={ENVIRONMENT_OPTIONS}
            empty={draft.environment ? undefined : "Choose…"}
            onChange={set("environment")}
          />
        </div>
        <TextField
          id="pm-services"
          label="Services affected"
          value={draft.services}
          onChange={set("services")}
          placeholder="steward, redis"
          hint="Comma-separated."
        />
        <TextField
          id="pm-related"
          label="Related incidents"
          value={draft.related}
          onChange={set("related")}
          placeholder="INC-3, INC-7"
          hint="Comma-separated."
        />
        <div className="field">
          <span className="pm-label">DORA impact</span>
          <div className="pm-checks">
            {DORA_METRICS.map((m) => (
              <label key={m} className="check">
                <input
                  type="checkbox"
                  checked={draft.dora.includes(m)}
                  onChange={(e) => setDraft((d) => ({ ...d, dora: toggleIn(d.dora, m, e.target.checked) }))}
                  data-testid={`pm-dora-${m}`}
                />
                <span>{DORA_LABEL[m]}</span>
              </label>
            ))}
          </div>
        </div>
      </fieldset>
    </form>
  );
}
