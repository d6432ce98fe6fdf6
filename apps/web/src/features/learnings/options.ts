import { LEARNING_AREAS, LEARNING_CATEGORIES, LEARNING_FILE_KINDS, LEARNING_STATUSES, LEARNING_TYPES, PRIORITIES, PROMOTION_TARGETS } from "@ops/contract";
import { optionsOf } from "../../ui/SelectField.tsx";
import { CATEGORY_LABEL, IMPORT_KIND_LABEL, PRIORITY_LABEL, PROMOTE_LABEL, STATUS_LABEL, TYPE_LABEL, words } from "./learnings.ts";

/** The choices of the learnings' selects (filters, triage, the new-entry form, promotion, import): the contract's lists. */
export const TYPE_OPTIONS = optionsOf(LEARNING_TYPES, (t) => `${t} · ${TYPE_LABEL[t]}`);
export const STATUS_OPTIONS = optionsOf(LEARNING_STATUSES, (s) => STATUS_LABEL[s]);
export const PRIORITY_OPTIONS = optionsOf(PRIORITIES, (p) => PRIORITY_LABEL[p]);
export const AREA_OPTIONS = optionsOf(LEARNING_AREAS, words);
export const CATEGORY_OPTIONS = optionsOf(LEARNING_CATEGORIES, (c) => CATEGORY_LABEL[c]);
export const PROMOTE_OPTIONS = optionsOf(PROMOTION_TARGETS, (t) => PROMOTE_LABEL[t]);
export const IMPORT_KIND_OPTIONS = optionsOf(LEARNING_FILE_KINDS, (k) => IMPORT_KIND_LABEL[k]);
