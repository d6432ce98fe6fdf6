import { useEffect, useMemo, useRef, useState } from "react";
import { useNow } from "../../../lib/clock.ts";
import { currentHref, Link, navigate, searchOf, useHref } from "../../../lib/router.tsx";
import { incidentPath, learningPath, learningsPath, patternsPath, promotionsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { LoadMore } from "../../../ui/LogTable.tsx";
import { QueryBody } from "../../../ui/QueryState.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import type { Option } from "../../../ui/SelectField.tsx";
import { Table } from "../../../ui/Table.tsx";
import { ImportPanel } from "../components/ImportPanel.tsx";
import { LearningStatusBadge, LearningTypeBadge, PriorityBadge, Recurrence } from "../components/LearningBadges.tsx";
import { NewLearningForm } from "../components/NewLearningForm.tsx";
import {
  categoryLabel,
  flattenLearningPages,
  IMPORT_KIND_LABEL,
  isFiltered,
  learningFilterFromSearch,
  learningTitle,
  seenText,
  withSelected,
  words,
} from "../learnings.ts";
import { PRIORITY_OPTIONS, STATUS_OPTIONS, TYPE_OPTIONS } from "../options.ts";
import { learningsExportHref, useLearningPages } from "../queries.ts";
import { LEARNING_AREAS, LEARNING_CATEGORIES, LEARNING_FILE_KINDS } from "@ops/contract";
import type { LearningSummary } from "@ops/contract";
import type { LearningFilter } from "../learnings.ts";

const SEARCH_DEBOUNCE_MS = 300;

export function LearningsPage() {
  return useCan("targets:read") ? <Learnings /> : <Forbidden action="view learnings" />;
}

function useFilter(): LearningFilter {
  const search = searchOf(useHref());
  return useMemo(() => learningFilterFromSearch(search), [search]);
}

/** Changes one filter in the URL; the rest is read at that moment, so a late debounced search keeps a newer select. */
function setFilter(patch: Partial<Record<keyof LearningFilter, string | undefined>>): void {
  const cur = learningFilterFromSearch(searchOf(currentHref()));
  navigate(learningsPath({ ...cur, ...patch }), { replace: true });
}

function SearchBox({ value }: { value: string }) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The URL changed from elsewhere (back button, a link): show its search.
  if (value !== shown) {
    setShown(value);
    if (value !== text.trim()) setText(value);
  }
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <div className="field field--wide rb-search">
      <label htmlFor="lrn-search">Search</label>
      <input
        id="lrn-search"
        type="search"
        value={text}
        placeholder="Words in headings, summaries, details…"
        onChange={(e) => {
          const v = e.target.value;
          setText(v);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => setFilter({ q: v.trim() || undefined }), SEARCH_DEBOUNCE_MS);
        }}
        data-testid="lrn-search"
      />
    </div>
  );
}

/** One filter of the list: "All" or a value. */
function Filter({ name, label, value, options }: { name: keyof LearningFilter; label: string; value: string | undefined; options: readonly Option[] }) {
  return (
    <SelectField
      id={`lrn-filter-${name}`}
      label={label}
      value={value ?? ""}
      options={options}
      empty="All"
      onChange={(v) => setFilter({ [name]: v || undefined })}
    />
  );
}

function Row({ l, now }: { l: LearningSummary; now: number }) {
  return (
    <tr data-testid={`lrn-row-${l.id}`} data-type={l.type} data-status={l.status} data-priority={l.priority}>
      <td className="cell-nowrap">
        <Link to={learningPath(l.id)} className="inc-key">
          {l.id}
        </Link>
      </td>
      <td>
        <LearningTypeBadge type={l.type} />
      </td>
      <td className="inc-title-cell">
        <Link to={learningPath(l.id)} className="inc-title">
          {learningTitle(l)}
        </Link>
        {l.summary && <span className="cell-note lrn-summary">{l.summary}</span>}
      </td>
      <td>
        <PriorityBadge priority={l.priority} />
      </td>
      <td>
        <LearningStatusBadge status={l.status} />
      </td>
      <td className="cell-nowrap">
        <Recurrence count={l.recurrenceCount} testId={`lrn-recurrence-${l.id}`} />
      </td>
      <td className="cell-nowrap">{seenText(l.lastSeen ?? l.loggedAt, now)}</td>
    </tr>
  );
}

const HEADS = ["Id", "Type", "Heading", "Priority", "Status", <span title="How often it recurred">Seen</span>, "Last seen"];

function List({ filter }: { filter: LearningFilter }) {
  const q = useLearningPages(filter);
  const now = useNow();
  const learnings = useMemo(() => (q.data ? flattenLearningPages(q.data.pages) : undefined), [q.data]);
  const empty = isFiltered(filter) ? "No learnings match these filters." : "No learnings logged yet: import a .learnings file or log one.";
  return (
    <QueryBody
      query={{ data: learnings, isError: q.isError, error: q.error }}
      what="learnings"
      action="view learnings"
      errorTestId="lrn-error"
      empty={empty}
      emptyTestId="lrn-empty"
    >
      {(list) => (
        <>
          <Table heads={HEADS} testId="lrn-table">
            {list.map((l) => (
              <Row key={l.id} l={l} now={now} />
            ))}
          </Table>
          <LoadMore
            hasMore={q.hasNextPage}
            loading={q.isFetchingNextPage}
            onMore={() => void q.fetchNextPage()}
            count={list.length}
            testId="lrn-load-more"
            endLabel="end of list"
          />
        </>
      )}
    </QueryBody>
  );
}

function Learnings() {
  const filter = useFilter();
  const canWrite = useCan("postmortems:write");
  const [creating, setCreating] = useState(false);
  const areas = optionsOf(withSelected(LEARNING_AREAS, filter.area), words);
  const categories = optionsOf(withSelected(LEARNING_CATEGORIES, filter.category), categoryLabel);

  return (
    <div className="page" data-testid="learnings-page">
      <header className="page__head page__head--actions">
        <div>
          <h1>Learnings</h1>
          <p className="muted">Learnings, operations issues and feature requests in the .learnings format.</p>
        </div>
        <div className="lrn-head-links">
          <Link to={patternsPath()} className="btn btn--lg" data-testid="lrn-patterns-link">
            Recurring patterns
          </Link>
          <Link to={promotionsPath()} className="btn btn--lg" data-testid="lrn-promotions-link">
            Promotions
          </Link>
          {canWrite && (
            <button type="button" className="btn btn--primary btn--lg" aria-expanded={creating} onClick={() => setCreating((c) => !c)} data-testid="lrn-new">
              {creating ? "Close form" : "Log an entry"}
            </button>
          )}
        </div>
      </header>

      {canWrite && creating && <NewLearningForm onCancel={() => setCreating(false)} />}

      <div className="filters" role="search" aria-label="Filter learnings">
        <SearchBox value={filter.q ?? ""} />
        <Filter name="type" label="Type" value={filter.type} options={TYPE_OPTIONS} />
        <Filter name="status" label="Status" value={filter.status} options={STATUS_OPTIONS} />
        <Filter name="priority" label="Priority" value={filter.priority} options={PRIORITY_OPTIONS} />
        <Filter name="area" label="Area" value={filter.area} options={areas} />
        <Filter name="category" label="Category" value={filter.category} options={categories} />
        {filter.incident != null && (
          <span className="tabs__filter" data-testid="lrn-incident-filter">
            <Link to={incidentPath(filter.incident)}>incident #{filter.incident}</Link>
            <button
              type="button"
              className="tabs__clear btn--plain"
              aria-label="Show learnings of every incident"
              onClick={() => setFilter({ incident: undefined })}
            >
              ×
            </button>
          </span>
        )}
      </div>

      <section className="card card--flush">
        <List key={JSON.stringify(filter)} filter={filter} />
      </section>

      <div className="lrn-tools">
        <section className="card" aria-labelledby="lrn-export-h">
          <h2 id="lrn-export-h">Export</h2>
          <p className="muted">The entries as .learnings files, ready to commit next to the agents.</p>
          <ul className="lrn-exports">
            {LEARNING_FILE_KINDS.map((k) => (
              <li key={k}>
                <a href={learningsExportHref(k)} download className="btn btn--md" data-testid={`lrn-export-${k}`}>
                  {IMPORT_KIND_LABEL[k]}
                </a>
              </li>
            ))}
          </ul>
        </section>
        {canWrite && <ImportPanel />}
      </div>
    </div>
  );
}
