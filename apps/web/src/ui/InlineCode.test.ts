import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { InlineCode } from "./InlineCode.tsx";

const html = (text: string) => renderToStaticMarkup(createElement(InlineCode, { text }));

describe("InlineCode", () => {
  it("shows backticked words as code and everything else as escaped text", () => {
    expect(html("use `single`, then `rolling` <b>now</b>")).toBe("use <code>single</code>, then <code>rolling</code> &lt;b&gt;now&lt;/b&gt;");
    expect(html("an odd ` backtick")).toBe("an odd ` backtick");
  });
});
