import { transition, TRANSITIONS, TERMINAL, type CaseAction } from "./lifecycle";
import type { CaseStatus } from "../contracts/types";

const ALL: CaseStatus[] = ["RECEIVED", "TRIAGE", "DISPATCHED", "IN_PROGRESS", "REPLIED", "ARCHIVED", "RETURNED"];

// The expected machine, written out independently of TRANSITIONS: status → action → next status.
const LEGAL: Record<string, CaseStatus> = {
  "RECEIVED route": "DISPATCHED",
  "RECEIVED triage": "TRIAGE",
  "TRIAGE assign": "DISPATCHED",
  "TRIAGE triageExpire": "RETURNED",
  "TRIAGE returnCase": "RETURNED",
  "TRIAGE urge": "TRIAGE",
  "DISPATCHED accept": "IN_PROGRESS",
  "DISPATCHED refuse": "DISPATCHED",
  "DISPATCHED reassign": "DISPATCHED",
  "DISPATCHED returnCase": "RETURNED",
  "DISPATCHED urge": "DISPATCHED",
  "IN_PROGRESS refuse": "DISPATCHED",
  "IN_PROGRESS reassign": "DISPATCHED",
  "IN_PROGRESS returnCase": "RETURNED",
  "IN_PROGRESS extend": "IN_PROGRESS",
  "IN_PROGRESS reply": "REPLIED",
  "IN_PROGRESS urge": "IN_PROGRESS",
  "REPLIED callbackSatisfied": "ARCHIVED",
  "REPLIED callbackDissatisfied": "DISPATCHED",
};

describe("case lifecycle", () => {
  const actions = Object.keys(TRANSITIONS) as CaseAction[];
  for (const status of ALL) {
    for (const action of actions) {
      const key = `${status} ${action}`;
      if (LEGAL[key]) {
        it(`allows ${key} → ${LEGAL[key]}`, () => {
          expect(transition(status, action)).toEqual({ ok: true, to: LEGAL[key] });
        });
      } else {
        it(`refuses ${key} with a reason in Chinese and English`, () => {
          const r = transition(status, action);
          expect(r.ok).toBe(false);
          if (!r.ok) {
            expect(r.message).toMatch(/^案件当前状态为「.+」，不能执行「.+」/);
            expect(r.messageEn).toContain(status);
          }
        });
      }
    }
  }

  it("has no way out of the terminal states", () => {
    for (const s of TERMINAL) for (const a of actions) expect(transition(s, a).ok).toBe(false);
  });

  it("a dissatisfied call-back reopens the case for the owner (重办), a satisfied one archives it", () => {
    expect(transition("REPLIED", "callbackDissatisfied")).toEqual({ ok: true, to: "DISPATCHED" });
    expect(transition("REPLIED", "callbackSatisfied")).toEqual({ ok: true, to: "ARCHIVED" });
  });

  it("explains a call-back before the reply in words an agent understands", () => {
    const r = transition("IN_PROGRESS", "callbackSatisfied");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("案件当前状态为「办理中」，不能执行「回访并办结归档」；仅在 「已回复待回访」 状态下可以");
  });
});
