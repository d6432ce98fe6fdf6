import { Markdown } from "../../../ui/Markdown.tsx";
import { previewSections } from "../postmortems.ts";
import type { PostmortemView } from "@ops/contract";

/** The postmortem as a document, section by section: the editor's live preview and the published view. */
export function PostmortemDocument({ pm, live }: { pm: PostmortemView; live?: boolean }) {
  return (
    <article className="pm-doc" data-testid="pm-preview" aria-label={live ? "Preview" : "Postmortem"} aria-live={live ? "off" : undefined}>
      <header className="pm-doc__head">
        <span className="muted">{pm.opsId}</span>
        <h1 className="pm-doc__title">{pm.title.trim() || "(untitled)"}</h1>
      </header>
      {previewSections(pm).map((s) => (
        <section key={s.key} className={`pm-doc__section pm-doc__section--${s.key}`} aria-labelledby={`pm-doc-${s.key}`}>
          <h2 id={`pm-doc-${s.key}`}>{s.title}</h2>
          <Markdown text={s.markdown} testId={`pm-preview-${s.key}`} />
        </section>
      ))}
    </article>
  );
}
