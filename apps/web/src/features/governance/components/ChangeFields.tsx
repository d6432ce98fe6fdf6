import { CHANGE_LEVELS, MEMBER_ACTIONS, THRESHOLD_METRICS } from "@ops/contract";
import type { ChangeLevel, MemberAction, ThresholdMetric } from "@ops/contract";
import type { Target } from "../../../lib/targets.ts";
import { CheckField, InputField } from "../../../ui/Fields.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { LEVEL_LABEL, MEMBER_ACTION_LABEL, METRIC_LABEL, metricUnit } from "../governance.ts";
import type { ProposalDraft } from "../governance.ts";

const METRIC_OPTIONS = optionsOf(THRESHOLD_METRICS, (m) => `${METRIC_LABEL[m]} (${metricUnit(m)})`);
const LEVEL_OPTIONS = optionsOf(CHANGE_LEVELS, (l) => LEVEL_LABEL[l]);
const ACTION_OPTIONS = optionsOf(MEMBER_ACTIONS, (a) => MEMBER_ACTION_LABEL[a]);

type Props = {
  draft: ProposalDraft;
  set: (patch: Partial<ProposalDraft>) => void;
  /** The fleet, for the auto-heal target; undefined while loading. */
  targets: readonly Target[] | undefined;
  /** The eligible members now, offered for a member change. */
  members: readonly string[];
  /** An input's id (also its test id) and its error, if it has one. */
  at: (id: string) => { id: string; error: string | null };
};

/** The fields of the change a proposal carries, for its kind. */
export function ChangeFields({ draft, set, targets, members, at }: Props) {
  switch (draft.kind) {
    case "none":
      return null;
    case "monitoring-threshold": {
      const unit = metricUnit(draft.metric);
      const number = { type: "number", inputMode: "decimal", min: 0, max: unit === "%" ? 100 : undefined, step: "any" } as const;
      return (
        <div className="form__row">
          <SelectField
            {...at("prop-metric")}
            label="Metric"
            value={draft.metric}
            options={METRIC_OPTIONS}
            onChange={(v) => set({ metric: v as ThresholdMetric })}
          />
          <SelectField {...at("prop-level")} label="Level" value={draft.level} options={LEVEL_OPTIONS} onChange={(v) => set({ level: v as ChangeLevel })} />
          <InputField {...at("prop-value")} label={`New threshold (${unit})`} value={draft.value} onChange={(value) => set({ value })} input={number} />
        </div>
      );
    }
    case "auto-heal-toggle": {
      // Only a monitored target's auto-heal can be switched.
      const options = (targets ?? [])
        .filter((t) => t.enabled)
        .map((t) => ({ value: t.name, label: t.displayName !== t.name ? `${t.displayName} (${t.name})` : t.name }));
      const empty = targets ? "Choose a monitored target…" : "Loading fleet…";
      return (
        <div className="form__row">
          <SelectField {...at("prop-target")} label="Target" value={draft.target} options={options} empty={empty} onChange={(target) => set({ target })} />
          <CheckField id="prop-enabled" label="Auto-heal on (unticked: paused)" checked={draft.enabled} onChange={(enabled) => set({ enabled })} />
        </div>
      );
    }
    case "member-change": {
      const hint = { list: "prop-member-list", placeholder: "an agent's name or a person's e-mail" };
      return (
        <div className="form__row">
          <SelectField
            {...at("prop-member-action")}
            label="Action"
            value={draft.action}
            options={ACTION_OPTIONS}
            onChange={(v) => set({ action: v as MemberAction })}
          />
          <InputField {...at("prop-member")} label="Member" value={draft.member} onChange={(member) => set({ member })} maxLength={200} input={hint}>
            <datalist id="prop-member-list">
              {members.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </InputField>
        </div>
      );
    }
  }
}
