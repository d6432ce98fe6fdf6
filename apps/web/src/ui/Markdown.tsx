import ReactMarkdown from "react-markdown";
import type { Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { ScrollBox } from "./ScrollBox.tsx";

/** A URL with a scheme ("https:", "mailto:") leaves the dashboard: it opens in a new tab. */
function isExternal(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href);
}

// react-markdown's default urlTransform has already emptied unsafe URLs (javascript:, vbscript:, data:, …)
// by the time these run; what is left is http(s), mailto, xmpp, irc(s) or relative.
const COMPONENTS: Components = {
  a: ({ node: _node, href, children, ...rest }) =>
    href ? (
      <a {...rest} href={href} rel="noopener noreferrer" target={isExternal(href) ? "_blank" : undefined}>
        {children}
      </a>
    ) : (
      <span className="md__deadlink">{children}</span>
    ),
  // Code blocks and tables wider than the text scroll inside a box the keyboard can focus and scroll.
  pre: ({ node: _node, ...rest }) => (
    <ScrollBox label="Code in the text" className="md__scroll">
      <pre {...rest} />
    </ScrollBox>
  ),
  table: ({ node: _node, ...rest }) => (
    <ScrollBox label="Table in the text" className="md__scroll">
      <table {...rest} />
    </ScrollBox>
  ),
  // No remote images: a safe image URL becomes a link to it, anything else its alt text.
  img: ({ src, alt }) => {
    const url = typeof src === "string" ? src : "";
    const label = alt || url || "image";
    return url ? (
      <a href={url} rel="noopener noreferrer" target={isExternal(url) ? "_blank" : undefined} className="md__image">
        {label}
      </a>
    ) : (
      <span className="md__image">{alt || "image"}</span>
    );
  },
};

const PLUGINS = [remarkGfm];

/**
 * The one way markdown is shown in the dashboard: GitHub-flavoured; raw HTML is never rendered (it shows as
 * the text that was typed); react-markdown's default URL filter empties javascript:, vbscript:, data: and
 * other unsafe URLs; links get rel="noopener noreferrer"; images are not loaded (a link or their alt text).
 */
export function Markdown({ text, testId, className }: { text: string; testId?: string; className?: string }) {
  return (
    <div className={className ? `md ${className}` : "md"} data-testid={testId}>
      <ReactMarkdown remarkPlugins={PLUGINS} components={COMPONENTS}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
