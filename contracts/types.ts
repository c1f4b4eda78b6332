/** Types derived from the schemas (see types.gen.ts) plus shapes derived from those types. */
export * from "./types.gen";
import type { Case } from "./types.gen";

/** What an adapter's mapping produces from an external message: a case before the hub owns it. */
export type CaseDraft = Pick<
  Case,
  "origin" | "appealType" | "category" | "title" | "content" | "location" | "reporter" | "urgency" | "receivedAt" | "signDeadline" | "handleDeadline" | "cityManagement"
>;
