import { describe, expect, it } from "vitest";
import { tooDeepAt } from "../src/plugins/json-body.ts";

const arrays = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("tooDeepAt: the field whose value nests deeper than the limit", () => {
  it.each([
    ['{"a":1}', null],
    [arrays(32), null],
    [arrays(33), ""],
    [`{"title":${arrays(40)}}`, "title"],
    [`{"x":1,"b":[1,2,{"k\\"q":${arrays(40)}}]}`, 'b.2.k"q'],
    [`{"s":"[[[[{{{{\\"[[[[","roles":${'{"a":'.repeat(40)}1${"}".repeat(40)}}`, "roles.a.a.a.a.a.a.a"],
    [`[1,[2,${arrays(40)}]]`, ""],
    [`{"a":{"b":[0,0,{"c":${arrays(40)}}]}}`, "a.b.2.c"],
    [`:,${arrays(40)}`, ""],
  ])("%#", (text, field) => {
    expect(tooDeepAt(text, 32)).toBe(field);
  });
});
