import { transition, TRANSITIONS, TERMINAL, type CaseAction } from "./lifecycle";
import type { CaseStatus } from "../contracts/types";

const ALL: CaseStatus[] = ["RECEIVED", "TRIAGE", "ADJUDICATION", "DISPATCHED", "IN_PROGRESS", "REPLIED", "ARCHIVED", "RETURNED", "VERIFYING", "RECORDED", "MERGED"];

// The expected machine, written out independently of TRANSITIONS: status → action → next status.
const LEGAL: Record<string, CaseStatus> = {
  "RECEIVED route": "DISPATCHED",
  "RECEIVED triage": "TRIAGE",
  "TRIAGE assign": "DISPATCHED",
  "TRIAGE triageExpire": "RETURNED",
  "TRIAGE returnCase": "RETURNED",
  "TRIAGE urge": "TRIAGE",
  "ADJUDICATION adjudicate": "DISPATCHED",
  "ADJUDICATION returnCase": "RETURNED",
  "ADJUDICATION urge": "ADJUDICATION",
  "DISPATCHED accept": "IN_PROGRESS",
  "DISPATCHED refuse": "DISPATCHED",
  "DISPATCHED requestAdjudication": "ADJUDICATION",
  "DISPATCHED reassign": "DISPATCHED",
  "DISPATCHED returnCase": "RETURNED",
  "DISPATCHED urge": "DISPATCHED",
  "IN_PROGRESS refuse": "DISPATCHED",
  "IN_PROGRESS requestAdjudication": "ADJUDICATION",
  "IN_PROGRESS reassign": "DISPATCHED",
  "IN_PROGRESS returnCase": "RETURNED",
  "IN_PROGRESS extend": "IN_PROGRESS",
  "IN_PROGRESS reply": "REPLIED",
  "IN_PROGRESS urge": "IN_PROGRESS",
  "REPLIED callbackSatisfied": "ARCHIVED",
  "REPLIED callbackDissatisfied": "DISPATCHED",
  // the 7-step loop
  "RECEIVED record": "RECORDED",
  "IN_PROGRESS replyForVerification": "VERIFYING",
  "VERIFYING verifyClose": "ARCHIVED",
  "VERIFYING verifyReply": "REPLIED",
  "VERIFYING verifyRework": "DISPATCHED",
  "VERIFYING urge": "VERIFYING",
  // cross-channel merging
  "RECEIVED merge": "MERGED",
  "MERGED unmergeRoute": "DISPATCHED",
  "MERGED unmergeTriage": "TRIAGE",
  "MERGED answerMerged": "REPLIED",
  "MERGED answerMergedClose": "ARCHIVED",
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

  it("派单审定: a refusal at the threshold goes to the centre, which dispatches (or returns); no unit step applies meanwhile", () => {
    expect(transition("DISPATCHED", "requestAdjudication")).toEqual({ ok: true, to: "ADJUDICATION" });
    expect(transition("ADJUDICATION", "adjudicate")).toEqual({ ok: true, to: "DISPATCHED" });
    for (const a of ["accept", "refuse", "reply", "extend", "reassign", "assign", "requestAdjudication"] as CaseAction[]) expect(transition("ADJUDICATION", a).ok).toBe(false);
    const r = transition("DISPATCHED", "adjudicate");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("案件当前状态为「已派单待签收」，不能执行「审定派单」；仅在 「待派单审定」 状态下可以");
  });

  it("explains a call-back before the reply in words an agent understands", () => {
    const r = transition("IN_PROGRESS", "callbackSatisfied");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("案件当前状态为「办理中」，不能执行「回访并办结归档」；仅在 「已回复待回访」 状态下可以");
  });
});
