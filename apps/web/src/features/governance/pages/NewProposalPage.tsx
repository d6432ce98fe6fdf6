import { CATEGORIES, CHANGE_KINDS } from "@ops/contract";
import type { Category, ChangeKind, GovernanceRulesView } from "@ops/contract";
import { useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { Link, navigate } from "../../../lib/router.tsx";
import { proposalPath, proposalsPath } from "../../../lib/routes.ts";
import { useTargets } from "../../../lib/targets-query.ts";
import { Allowed, CheckField, InputField } from "../../../ui/Fields.tsx";
import { Markdown } from "../../../ui/Markdown.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { ChangeFields } from "../components/ChangeFields.tsx";
import {
  CATEGORY_LABEL,
  CHANGE_KIND_LABEL,
  categoryForKind,
  draftCategory,
  EMPTY_DRAFT,
  inputOfField,
  proposalBody,
  ruleSummary,
  THRESHOLD_LABEL,
  timeoutText,
} from "../governance.ts";
import type { ProposalDraft } from "../governance.ts";
import { decisionLines } from "../governance.ts";
import { useCreateProposal, useGovernance } from "../queries.ts";

const KIND_OPTIONS = optionsOf(["none", ...CHANGE_KINDS] as const, (k) => CHANGE_KIND_LABEL[k]);

function categoryOptions(rules: GovernanceRulesView | undefined) {
  return optionsOf(CATEGORIES, (c) => {
    const rule = rules?.categories[c];
    return rule ? `${CATEGORY_LABEL[c]} — ${THRESHOLD_LABEL[rule.threshold]}, ${timeoutText(rule.timeoutMinutes)}` : CATEGORY_LABEL[c];
  });
}

export function NewProposalPage() {
  return (
    <Allowed permission="proposals:write" action="open proposals">
      <NewProposal />
    </Allowed>
  );
}

/** An error of the form: on one input (by its id), or on the form as a whole. */
type FormError = { input: string | null; message: string };

function NewProposal() {
  const rules = useGovernance();
  const targets = useTargets();
  const create = useCreateProposal();
  const [draft, setDraft] = useState<ProposalDraft>(EMPTY_DRAFT);
  const [error, setError] = useState<FormError | null>(null);
  // An edit answers the last error: it is shown again, if still true, on the next submit.
  const set = (patch: Partial<ProposalDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setError(null);
  };
  // An input's id (also its test id) and its error, if it has one.
  const at = (id: string) => ({ id, error: error?.input === id ? error.message : null });

  const categories = rules.data?.categories;
  const category = draftCategory(draft, categories);
  const decided = draft.kind === "none" ? null : categoryForKind(draft.kind, categories);
  const rule = category && categories ? categories[category] : null;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (create.isPending) return;
    const built = proposalBody(draft);
    if ("error" in built) {
      setError({ input: inputOfField(built.error.field), message: built.error.message });
      return;
    }
    setError(null);
    create.mutate(built.body, {
      onSuccess: (p) => navigate(proposalPath(p.id)),
      onError: (err) => {
        const input = err instanceof ApiError ? inputOfField(err.field) : null;
        setError({ input, message: input && err instanceof ApiError ? fieldErrorMessage(err) : actionErrorMessage(err, "open proposals") });
      },
    });
  };

  const categoryHint =
    draft.kind === "none"
      ? undefined
      : decided
        ? `decided by the change: ${decided}${draft.emergency ? " — raised as an emergency instead" : ""}`
        : rules.data
          ? "no category takes this kind of change (governance-quorum-rules.json)"
          : "decided by the change";

  return (
    <div className="page gov-new" data-testid="proposal-new-page">
      <Link to={proposalsPath()} className="back" data-testid="back-link">
        ← Proposals
      </Link>
      <header className="page__head">
        <h1>New proposal</h1>
        <p className="muted">The eligible members vote on it until its category's deadline; a change it carries is applied if it passes.</p>
      </header>
      <div className="pm-editor">
        <section className="card" aria-label="Proposal">
          <form className="form" onSubmit={submit} noValidate data-testid="prop-form">
            {error && (
              <p className="form-error" role="alert" data-testid="prop-error">
                {error.message}
              </p>
            )}
            <InputField
              {...at("prop-title")}
              label="Title"
              value={draft.title}
              onChange={(title) => set({ title })}
              maxLength={200}
              input={{ autoFocus: true }}
            />
            <InputField
              {...at("prop-description")}
              label="Description (markdown)"
              value={draft.description}
              onChange={(description) => set({ description })}
              maxLength={20_000}
              rows={8}
            />

            <fieldset className="pm-fieldset">
              <legend>Change applied if it passes</legend>
              <SelectField
                {...at("prop-change-kind")}
                label="Kind"
                value={draft.kind}
                options={KIND_OPTIONS}
                onChange={(v) => set({ kind: v as ChangeKind | "none", emergency: false })}
              />
              <ChangeFields draft={draft} set={set} targets={targets.data} members={rules.data?.eligible ?? []} at={at} />
            </fieldset>

            <div className="form__row">
              <SelectField
                {...at("prop-category")}
                label="Category"
                value={category ?? ""}
                options={categoryOptions(rules.data)}
                empty={category ? undefined : "—"}
                // A change decides its category; only "emergency" may be chosen instead (the checkbox).
                disabled={draft.kind !== "none"}
                onChange={(v) => set({ category: v as Category })}
                hint={categoryHint}
              />
              {draft.kind !== "none" && (
                <CheckField id="prop-emergency" label="Raise it as an emergency" checked={draft.emergency} onChange={(emergency) => set({ emergency })} />
              )}
            </div>
            <p className="gov-rule-line" data-testid="prop-rule" data-category={category ?? ""}>
              {category && rule
                ? ruleSummary(category, rule)
                : rules.isError
                  ? `Could not load the rules: ${actionErrorMessage(rules.error, "view the governance rules")}`
                  : category
                    ? "Loading the rules…"
                    : "—"}
            </p>
            {rule?.description && <p className="field__hint">{rule.description}</p>}
            {rule && rules.data && <WhoDecides lines={decisionLines(rule, rules.data.eligible, rules.data.participationQuorum)} />}

            <div className="form__actions">
              <button type="submit" className="btn btn--primary" disabled={create.isPending} data-testid="prop-submit">
                {create.isPending ? "Opening…" : "Open proposal"}
              </button>
              <Link to={proposalsPath()} className="btn" data-testid="prop-cancel">
                Cancel
              </Link>
            </div>
          </form>
        </section>
        <section className="card pm-editor__preview" aria-label="Description preview" tabIndex={0}>
          <div className="card__head">
            <h2>Preview</h2>
            <span className="muted">the description as voters will read it</span>
          </div>
          <Markdown text={draft.description.trim() ? draft.description : "_Nothing written yet._"} testId="prop-preview" />
        </section>
      </div>
    </div>
  );
}

/** Who may vote and what it takes, before the proposal is opened. */
function WhoDecides({ lines }: { lines: ReturnType<typeof decisionLines> }) {
  return (
    <div className="gov-who" data-testid="prop-who-decides">
      <p data-testid="prop-eligible">{lines.who}</p>
      {lines.passes && <p data-testid="prop-passes">{lines.passes}</p>}
      <p data-testid="prop-closes">{lines.closes}</p>
    </div>
  );
}
