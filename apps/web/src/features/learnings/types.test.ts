import { describe, expect, expectTypeOf, it } from "vitest";
// Test only: the dashboard cannot import @ops/domain at run time, so its copies are held against the domain's lists here.
import * as domain from "../../../../../packages/domain/src/learnings-markdown.ts";
import { LEARNING_AREAS, LEARNING_CATEGORIES, LEARNING_STATUSES, LEARNING_TYPES, PRIORITIES } from "./types.ts";
import type { LearningArea, LearningCategory, LearningStatus, LearningType, Priority } from "./types.ts";

describe("the .learnings values", () => {
  it("are the domain's lists, in its order (the API refuses any other value)", () => {
    expect(LEARNING_CATEGORIES).toEqual(domain.LEARNING_CATEGORIES);
    expect(LEARNING_AREAS).toEqual(domain.LEARNING_AREAS);
    expect(LEARNING_TYPES).toEqual(domain.LEARNING_TYPES);
    expect(LEARNING_STATUSES).toEqual(domain.LEARNING_STATUSES);
    expect(PRIORITIES).toEqual(domain.PRIORITIES);
  });

  it("have the contract's types, which are the domain's (checked by tsc)", () => {
    expectTypeOf<LearningCategory>().toEqualTypeOf<domain.LearningCategory>();
    expectTypeOf<LearningArea>().toEqualTypeOf<domain.LearningArea>();
    expectTypeOf<LearningType>().toEqualTypeOf<domain.LearningType>();
    expectTypeOf<LearningStatus>().toEqualTypeOf<domain.LearningStatus>();
    expectTypeOf<Priority>().toEqualTypeOf<domain.Priority>();
  });
});
