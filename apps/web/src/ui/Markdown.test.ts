import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./Markdown.tsx";

function render(text: string): string {
  return renderToStaticMarkup(createElement(Markdown, { text }));
}

const XSS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "[x](javascript:alert(1))",
  "[x](JAVASCRIPT:alert(1))",
  "[x](  javascript:alert(1))",
  "[x](java\tscript:alert(1))",
  "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "![x](javascript:alert(1))",
  "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
  "<svg onload=alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="javascript:alert(1)">',
  "[x](&#106;avascript:alert(1))",
  "&#106;avascript:alert(1)",
  "[x](&#x6A;avascript&#58;alert(1))",
  "[x](vbscript:msgbox(1))",
  "<details open ontoggle=alert(1)>",
  "<javascript:alert(1)>",
  "<vbscript:msgbox(1)>",
  "[x]: javascript:alert(1)\n\n[link][x]",
  '<div onclick="alert(1)">click</div>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  "| a |\n| - |\n| <img src=x onerror=alert(1)> |",
  "- [ ] <script>alert(1)</script>",
  "<style>body{display:none}</style>",
  '<object data="javascript:alert(1)"></object>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
];

/** Every tag in the output with its attributes: what a browser would act on. */
function tags(html: string): string[] {
  return html.match(/<[a-z][^>]*>/gi) ?? [];
}

describe("Markdown XSS corpus", () => {
  it.each(XSS)("renders %j inertly", (input) => {
    const html = render(input);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(iframe|svg|img|object|embed|style|form|math|details)\b/i);
    for (const tag of tags(html)) {
      expect(tag).not.toMatch(/\son\w+\s*=/i);
      expect(tag).not.toMatch(/\s(href|src|action|data|xlink:href)\s*=\s*"\s*(javascript|vbscript|data):/i);
    }
    expect(html).not.toMatch(/(href|src)="[^"]*(javascript|vbscript|data):/i);
  });

  it("shows raw HTML as the text that was typed, never as elements", () => {
    expect(render("before <b>bold</b> after")).toBe('<div class="md"><p>before &lt;b&gt;bold&lt;/b&gt; after</p></div>');
    expect(render("<script>alert(1)</script>")).toBe('<div class="md">&lt;script&gt;alert(1)&lt;/script&gt;</div>');
    expect(render("<img src=x onerror=alert(1)>")).toBe('<div class="md">&lt;img src=x onerror=alert(1)&gt;</div>');
  });

  it("keeps the link text when the URL is unsafe", () => {
    expect(render("[x](javascript:alert(1))")).toBe('<div class="md"><p><span class="md__deadlink">x</span></p></div>');
  });
});

describe("Markdown rendering", () => {
  it("renders GitHub-flavoured markdown: tables, task lists, strikethrough", () => {
    const html = render("| a | b |\n| - | - |\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~");
    expect(html).toContain("<table>");
    expect(html).toContain("<td>1</td>");
    expect(html).toContain('type="checkbox"');
    expect(html).toContain("<del>old</del>");
  });

  it("opens external links in a new tab with noopener noreferrer; relative links stay", () => {
    expect(render("[docs](https://example.com/a)")).toContain('<a href="https://example.com/a" rel="noopener noreferrer" target="_blank">docs</a>');
    expect(render("<https://example.com>")).toContain('rel="noopener noreferrer"');
    const rel = render("[LRN-1](/learnings/LRN-1)");
    expect(rel).toContain('<a href="/learnings/LRN-1" rel="noopener noreferrer">LRN-1</a>');
  });

  it("shows images as a link or as their alt text, never as <img>", () => {
    expect(render("![graph](https://example.com/g.png)")).toBe(
      '<div class="md"><p><a href="https://example.com/g.png" rel="noopener noreferrer" target="_blank" class="md__image">graph</a></p></div>',
    );
    expect(render("![graph](javascript:alert(1))")).toBe('<div class="md"><p><span class="md__image">graph</span></p></div>');
  });

  it("escapes text and puts the test id on the wrapper", () => {
    const html = renderToStaticMarkup(createElement(Markdown, { text: "a & b < c", testId: "x", className: "y" }));
    expect(html).toBe('<div class="md y" data-testid="x"><p>a &amp; b &lt; c</p></div>');
  });
});
