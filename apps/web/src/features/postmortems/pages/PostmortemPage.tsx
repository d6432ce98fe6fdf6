import { useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { actionErrorMessage, isVersionConflict } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { Link } from "../../../lib/router.tsx";
import { incidentPath, learningPath, postmortemsPath } from "../../../lib/routes.ts";
import { useCan, useSession } from "../../../lib/session.ts";
import { Banner } from "../../../ui/Banner.tsx";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { RefreshFailed, TimeAgo } from "../../../ui/QueryState.tsx";
import { RecordLoadState } from "../../../ui/RecordLoadState.tsx";
import { ImpactBox } from "../components/ImpactBox.tsx";
import { PostmortemStatusBadge } from "../components/PostmortemBadge.tsx";
import { PostmortemDocument } from "../components/PostmortemDocument.tsx";
import { PostmortemForm } from "../components/PostmortemForm.tsx";
import { applyDraft, draftPatch, newerVersionNotice, toDraft, transitionsFrom, validateDraft } from "../postmortems.ts";
import type { PostmortemDraft } from "../postmortems.ts";
import { exportHref, useFetchLatest, usePostmortem, useSavePostmortem, useTransitionPostmortem } from "../queries.ts";
import type { PostmortemStatus, PostmortemView } from "@ops/contract";

const TRANSITION: Record<PostmortemStatus, { label: string; testId: string; primary: boolean }> = {
  in_review: { label: "Submit for review", testId: "pm-submit-review", primary: true },
  published: { label: "Publish", testId: "pm-publish", primary: true },
  draft: { label: "Back to draft", testId: "pm-back-to-draft", primary: false },
};

function BackLink() {
  return (
    <Link to={postmortemsPath()} className="back" data-testid="back-link">
      ← Postmortems
    </Link>
  );
}

export function PostmortemPage({ id }: { id: number }) {
  return useCan("targets:read") ? <PostmortemDetail id={id} /> : <Forbidden action="view postmortems" />;
}

function PostmortemDetail({ id }: { id: number }) {
  const q = usePostmortem(id);
  const canWrite = useCan("postmortems:write");
  if (!q.data) {
    const testIds = { notFound: "pm-not-found", error: "pm-load-error" };
    return (
      <RecordLoadState query={q} noun="postmortem" action="view postmortems" testIds={testIds} back={<BackLink />} loading={`Loading postmortem #${id}…`} />
    );
  }
  if (!canWrite) return <Reader pm={q.data} refresh={<RefreshFailed query={q} action="view postmortems" />} />;
  return <Editor key={id} latest={q.data} />;
}

/** The header box: ids, status, version, who changed it last; `actions` on the right. */
function Head({ pm, actions, children }: { pm: PostmortemView; actions?: ReactNode; children?: ReactNode }) {
  const now = useNow();
  return (
    <header className={`record-head pm-head pm-head--${pm.status}`}>
      <div className="run-head__main">
        <div className="run-head__badges">
          <span className="run-head__id" data-testid="pm-ops-id">
            {pm.opsId}
          </span>
          <PostmortemStatusBadge status={pm.status} size="lg" testId="pm-status" />
          <span className="rb-version" data-testid="pm-version">
            v{pm.version}
          </span>
        </div>
        <h1 className="run-head__title" data-testid="pm-heading">
          {pm.title.trim() || "(untitled)"}
        </h1>
        <p className="muted">
          {pm.incidentId != null && (
            <>
              For{" "}
              <Link to={incidentPath(pm.incidentId)} data-testid="pm-incident">
                {pm.incidentKey ?? `INC-${pm.incidentId}`}
              </Link>
              {" · "}
            </>
          )}
          {pm.learningId && (
            <>
              from <Link to={learningPath(pm.learningId)}>{pm.learningId}</Link>
              {" · "}
            </>
          )}
          updated by {pm.updatedBy} <TimeAgo iso={pm.updatedAt} now={now} />
          {pm.publishedAt && (
            <>
              {" · "}published by {pm.publishedBy ?? "?"} <TimeAgo iso={pm.publishedAt} now={now} />
            </>
          )}
        </p>
        {children}
      </div>
      <div className="inc-actions">{actions}</div>
    </header>
  );
}

function ExportLink({ id, dirty }: { id: number; dirty?: boolean }) {
  return (
    <a
      href={exportHref(id)}
      download
      className="btn btn--md"
      data-testid="pm-export"
      title={dirty ? "Exports the saved version, without unsaved changes" : "Download as an OPS entry (markdown)"}
    >
      Export .md
    </a>
  );
}

/** Read only: for viewers, and for everyone once published. */
function Reader({ pm, refresh }: { pm: PostmortemView; refresh?: ReactNode }) {
  return (
    <div className="target pm-page" data-testid="pm-page" data-status={pm.status} data-readonly="true">
      <BackLink />
      <Head pm={pm} actions={<ExportLink id={pm.id} />}>
        {refresh}
      </Head>
      <div className="pm-read">
        <PostmortemDocument pm={pm} />
        <aside className="card pm-read__side" aria-labelledby="pm-impact-h">
          <h2 id="pm-impact-h">Impact</h2>
          <ImpactBox impact={pm.impact} />
        </aside>
      </div>
    </div>
  );
}

type Conflict = { message: string };

function Editor({ latest }: { latest: PostmortemView }) {
  const { user } = useSession();
  // The version being edited and the user's text: the query's newer data never replaces them on its own.
  const [base, setBase] = useState(latest);
  const [draft, setDraft] = useState<PostmortemDraft>(() => toDraft(latest));
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const save = useSavePostmortem(base.id);
  const transition = useTransitionPostmortem(base.id);
  const fetchLatest = useFetchLatest(base.id);
  const [loadingLatest, setLoadingLatest] = useState(false);

  const baseDraft = useMemo(() => toDraft(base), [base]);
  const patch = useMemo(() => draftPatch(baseDraft, draft), [baseDraft, draft]);
  const dirty = Object.keys(patch).length > 0;
  const preview = useMemo(() => applyDraft(base, draft), [base, draft]);
  const busy = save.isPending || transition.isPending || loadingLatest;
  const newer = newerVersionNotice(base.version, latest, user);

  // The draft at the moment the last request started: adopting the answer must not drop text typed meanwhile.
  const draftAtStart = useRef(draft);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  /** Takes a version from the API as the one being edited; the text follows unless the user typed since. */
  const adopt = (pm: PostmortemView) => {
    const started = draftAtStart.current;
    setBase(pm);
    setDraft((d) => (d === started ? toDraft(pm) : d));
    setConflict(null);
  };

  const failed = (err: unknown, action: string) => {
    if (isVersionConflict(err)) setConflict({ message: err.message });
    else setError(actionErrorMessage(err, action));
  };

  /** Saves the user's changes on top of `version`; the saved postmortem, or null after a failure (shown). */
  const saveOn = async (version: number, changes = patch): Promise<PostmortemView | null> => {
    setError(null);
    setSavedVersion(null);
    const problem = validateDraft(draft, changes);
    if (problem) {
      setError(problem);
      return null;
    }
    draftAtStart.current = draft;
    try {
      const pm = await save.mutateAsync({ version, patch: changes });
      adopt(pm);
      setSavedVersion(pm.version);
      return pm;
    } catch (err) {
      failed(err, "write postmortems");
      return null;
    }
  };

  const onTransition = async (to: PostmortemStatus) => {
    setError(null);
    let current: PostmortemView | null = base;
    if (dirty) current = await saveOn(base.version);
    if (!current) return;
    draftAtStart.current = draft;
    try {
      adopt(await transition.mutateAsync({ to, version: current.version }));
      setSavedVersion(null);
    } catch (err) {
      failed(err, "change the status of postmortems");
    }
  };

  /** After a conflict: throw my changes away and load theirs. */
  const reload = async () => {
    setError(null);
    setLoadingLatest(true);
    try {
      const pm = await fetchLatest();
      setBase(pm);
      setDraft(toDraft(pm));
      setConflict(null);
      setSavedVersion(null);
    } catch (err) {
      setError(actionErrorMessage(err, "view postmortems"));
    } finally {
      setLoadingLatest(false);
    }
  };

  /** After a conflict, and only on the user's click: my changes saved again on top of their version. */
  const overwrite = async () => {
    setError(null);
    setLoadingLatest(true);
    let theirs: PostmortemView;
    try {
      theirs = await fetchLatest();
    } catch (err) {
      setError(actionErrorMessage(err, "view postmortems"));
      return;
    } finally {
      setLoadingLatest(false);
    }
    if (Object.keys(patch).length === 0) {
      setBase(theirs);
      setDraft(toDraft(theirs));
      setConflict(null);
      return;
    }
    setConflict(null);
    await saveOn(theirs.version, patch);
  };

  if (base.status === "published" && !dirty) return <Reader pm={latest.version > base.version ? latest : base} />;

  const actions = (
    <>
      <div className="inc-actions__buttons">
        <button type="button" className="btn btn--md btn--primary" onClick={() => void saveOn(base.version)} disabled={busy || !dirty} data-testid="pm-save">
          {save.isPending ? "Saving…" : "Save"}
        </button>
        {transitionsFrom(base.status).map((to) => (
          <button
            key={to}
            type="button"
            className={`btn btn--md${TRANSITION[to].primary ? " btn--ok" : ""}`}
            onClick={() => void onTransition(to)}
            disabled={busy}
            data-testid={TRANSITION[to].testId}
          >
            {TRANSITION[to].label}
          </button>
        ))}
        <ExportLink id={base.id} dirty={dirty} />
      </div>
      <p className="pm-state" role="status">
        {dirty ? (
          <span className="text-warning" data-testid="pm-dirty">
            Unsaved changes
          </span>
        ) : savedVersion != null ? (
          <span className="pm-saved" data-testid="pm-saved">
            Saved version {savedVersion}
          </span>
        ) : (
          <span className="muted">All changes saved</span>
        )}
      </p>
    </>
  );

  return (
    <div className="target pm-page" data-testid="pm-page" data-status={base.status} data-dirty={dirty ? "true" : "false"}>
      <BackLink />
      <Head pm={base} actions={actions} />

      {conflict && (
        <Banner
          tone="warning"
          testId="pm-conflict"
          action={
            <span className="pm-conflict__buttons">
              <button type="button" className="btn btn--md" onClick={() => void reload()} disabled={busy} data-testid="pm-reload">
                Discard mine, load theirs
              </button>
              <button type="button" className="btn btn--md btn--primary" onClick={() => void overwrite()} disabled={busy} data-testid="pm-overwrite">
                Save mine on top
              </button>
            </span>
          }
        >
          <strong>Someone saved a newer version.</strong> {conflict.message} Your text is kept below until you choose.
        </Banner>
      )}
      {!conflict && newer && (
        <Banner tone="info" testId="pm-newer">
          {newer}. Keep writing: saving will ask whether to keep your text or load theirs.
        </Banner>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="pm-error">
          {error}
        </p>
      )}

      <div className="pm-editor">
        <section className="card pm-editor__form" aria-label="Edit">
          <PostmortemForm draft={draft} setDraft={setDraft} impact={base.impact} />
        </section>
        <section className="card pm-editor__preview" aria-label="Live preview" tabIndex={0}>
          <div className="card__head">
            <h2>Preview</h2>
            <span className="muted">as it will be published</span>
          </div>
          <PostmortemDocument pm={preview} live />
        </section>
      </div>
    </div>
  );
}
