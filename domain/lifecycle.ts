/**
 * The case lifecycle as data: which action may move a case from which status to which.
 *
 *   RECEIVED ─route─► DISPATCHED ─accept─► IN_PROGRESS ─reply─► REPLIED ─callback(满意)─► ARCHIVED
 *      │triage            ▲  │reassign/refuse→reroute │extend(延期)     │callback(不满意) → 重办
 *      ▼                  │  ▼                        ▼                 ▼
 *   TRIAGE ─assign────────┘  RETURNED (退单) ◄──────── return            DISPATCHED (rework)
 *                         │
 *   ADJUDICATION (待派单审定) ◄─requestAdjudication─ refused by REFUSALS_BEFORE_ADJUDICATION units
 *      └─adjudicate (派单审定)─► DISPATCHED; return ─► RETURNED
 *   (urge 催办/督办 allowed while TRIAGE, ADJUDICATION, DISPATCHED, IN_PROGRESS)
 *
 * Pure: no I/O. `services/cases` asks `transition()` before every write and refuses illegal
 * moves with the Chinese and English reasons produced here.
 */
import type { CaseStatus } from "../contracts/types";
import { labels } from "../contracts";

export type CaseAction =
  | "route"
  | "triage"
  | "assign"
  | "triageExpire"
  | "accept"
  | "refuse"
  | "requestAdjudication"
  | "adjudicate"
  | "reassign"
  | "returnCase"
  | "extend"
  | "reply"
  | "callbackSatisfied"
  | "callbackDissatisfied"
  | "urge"
  | "record"
  | "replyForVerification"
  | "verifyClose"
  | "verifyReply"
  | "verifyRework"
  | "merge"
  | "unmergeRoute"
  | "unmergeTriage"
  | "answerMerged"
  | "answerMergedClose";

/** 已受理, 待人工分拨 … — defined once, in contracts/canonical/common (x-labels). */
export const STATUS_LABEL = labels("CaseStatus") as Record<CaseStatus, string>;

interface Rule {
  from: CaseStatus[];
  /** "same" = the status does not change (a timeline-only step) */
  to: CaseStatus | "same";
  label: string;
  labelEn: string;
}

export const TRANSITIONS: Record<CaseAction, Rule> = {
  route: { from: ["RECEIVED"], to: "DISPATCHED", label: "派单", labelEn: "dispatch by rules" },
  triage: { from: ["RECEIVED"], to: "TRIAGE", label: "转人工分拨", labelEn: "send to triage" },
  assign: { from: ["TRIAGE"], to: "DISPATCHED", label: "人工派单", labelEn: "assign from triage" },
  triageExpire: { from: ["TRIAGE"], to: "RETURNED", label: "分拨超时退单", labelEn: "return after triage timeout" },
  accept: { from: ["DISPATCHED"], to: "IN_PROGRESS", label: "承办单位签收", labelEn: "owner signs for the task" },
  refuse: { from: ["DISPATCHED", "IN_PROGRESS"], to: "DISPATCHED", label: "承办单位退回后改派", labelEn: "owner refuses; re-route" },
  requestAdjudication: { from: ["DISPATCHED", "IN_PROGRESS"], to: "ADJUDICATION", label: "承办单位退回后提请派单审定", labelEn: "owner refuses; refer to the centre's adjudication" },
  adjudicate: { from: ["ADJUDICATION"], to: "DISPATCHED", label: "审定派单", labelEn: "adjudicate the owner" },
  reassign: { from: ["DISPATCHED", "IN_PROGRESS"], to: "DISPATCHED", label: "改派", labelEn: "reassign to another unit" },
  returnCase: { from: ["TRIAGE", "ADJUDICATION", "DISPATCHED", "IN_PROGRESS"], to: "RETURNED", label: "退单", labelEn: "return to the platform" },
  extend: { from: ["IN_PROGRESS"], to: "same", label: "延期申请", labelEn: "request an extension" },
  reply: { from: ["IN_PROGRESS"], to: "REPLIED", label: "回复办理结果", labelEn: "reply with the outcome" },
  callbackSatisfied: { from: ["REPLIED"], to: "ARCHIVED", label: "回访并办结归档", labelEn: "call-back; archive" },
  callbackDissatisfied: { from: ["REPLIED"], to: "DISPATCHED", label: "回访不满意重办", labelEn: "call-back dissatisfied; reopen" },
  urge: { from: ["TRIAGE", "ADJUDICATION", "DISPATCHED", "IN_PROGRESS", "VERIFYING"], to: "same", label: "催办/督办", labelEn: "urge / supervise" },
  // the 7-step city-management loop (采集→立案→派遣→处置→反馈→核查结案→评价)
  record: { from: ["RECEIVED"], to: "RECORDED", label: "即时处理记录（不立案）", labelEn: "record an on-the-spot fix (no case opened)" },
  replyForVerification: { from: ["IN_PROGRESS"], to: "VERIFYING", label: "处置反馈，提请核查", labelEn: "feedback; ask a supervisor to verify" },
  verifyClose: { from: ["VERIFYING"], to: "ARCHIVED", label: "核查通过，结案", labelEn: "verified; close" },
  verifyReply: { from: ["VERIFYING"], to: "REPLIED", label: "核查通过，回复来源平台", labelEn: "verified; reply to the origin" },
  verifyRework: { from: ["VERIFYING"], to: "DISPATCHED", label: "核查未通过，返工", labelEn: "verification failed; rework" },
  // cross-channel merging (并案)
  merge: { from: ["RECEIVED"], to: "MERGED", label: "并案", labelEn: "merge into a master case" },
  unmergeRoute: { from: ["MERGED"], to: "DISPATCHED", label: "撤销并案，按规则派单", labelEn: "undo the merge; dispatch by rules" },
  unmergeTriage: { from: ["MERGED"], to: "TRIAGE", label: "撤销并案，转人工分拨", labelEn: "undo the merge; send to triage" },
  answerMerged: { from: ["MERGED"], to: "REPLIED", label: "主案办结，答复来源平台", labelEn: "the master closed; reply to this case's origin" },
  answerMergedClose: { from: ["MERGED"], to: "ARCHIVED", label: "主案办结，并案归档", labelEn: "the master closed; archive" },
};

export type TransitionResult = { ok: true; to: CaseStatus } | { ok: false; message: string; messageEn: string; allowedFrom: CaseStatus[] };

export function transition(status: CaseStatus, action: CaseAction): TransitionResult {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(status)) return { ok: true, to: rule.to === "same" ? status : rule.to };
  const allowed = rule.from.map((s) => `「${STATUS_LABEL[s]}」`).join("、");
  return {
    ok: false,
    allowedFrom: rule.from,
    message: `案件当前状态为「${STATUS_LABEL[status]}」，不能执行「${rule.label}」；仅在 ${allowed} 状态下可以`,
    messageEn: `cannot ${rule.labelEn} while the case is ${status}; allowed only from ${rule.from.join(", ")}`,
  };
}

export const TERMINAL: CaseStatus[] = ["ARCHIVED", "RETURNED", "RECORDED"];

/** 超期 counts a case in these statuses (still with a unit, in triage or awaiting 派单审定) once its handling deadline has passed. */
export const OVERDUE_STATUSES: CaseStatus[] = ["TRIAGE", "ADJUDICATION", "DISPATCHED", "IN_PROGRESS", "VERIFYING"];
