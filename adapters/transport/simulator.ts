/**
 * The simulated 交通运输 (kit/bureau.ts BureauSimulator): takes 联合惩戒抄告 and 催办 in
 * transport's format, signs as the transport enforcement corps and reports per review item with
 * the operator's licence and the vehicles' 道路运输证; with its case line it plays the transport
 * units: complaint orders signed, finished (with what was done about the lines and vehicles the order
 * named), or rejected, in transport's format. Controls: setBehaviour(noticeId | "*",
 * {silent, fail, noFeedback, partial}) or POST /__sim/behaviour; notices() / GET /__sim/notices.
 */
import type {
  TransportCaseAccept,
  TransportCaseExtension,
  TransportCaseRecall,
  TransportCaseRefuse,
  TransportCaseResult,
  TransportCaseTask,
  TransportCaseUrge,
  TransportFeedback,
  TransportNotice,
  TransportReceipt,
  TransportReminder,
} from "../../contracts/types";
import { type BureauBehaviour, BureauSimulator, codeOf, type SimCaseOptions, fromCode } from "../../kit/bureau";
import { CASE_HUB, CASE_PATH, CASE_SCHEMA, NOTICE_PATH, RESULT_CODES, SCHEMA, SYSTEM, URGE_CODES } from "./mapping";

export interface TransportSimulatorOptions {
  hubUrl?: string;
  apiKey?: string;
  receiptDelayMs?: number;
  feedbackDelayMs?: number;
  behaviour?: Record<string, BureauBehaviour>;
  log?: (line: string) => void;
}

export function simReceipt(_n: TransportNotice, at: string): TransportReceipt {
  return { receiver: "赵磊（模拟）", receiver_org: "市交通运输综合行政执法支队", receive_time: at };
}

export function simFeedback(n: TransportNotice, at: string, partial: boolean): TransportFeedback {
  const revoked = n.notice_kind === "REVOKE";
  const certs = (n.vehicles ?? []).map((v, i) => ({ plate_no: v.plate_no, cert_no: `苏交运管字3204${String(100000 + i)}号（模拟）`, action: revoked ? ("恢复" as const) : ("暂扣" as const) }));
  const results: NonNullable<TransportFeedback["results"]> = n.review_items.map((r, i) =>
    partial && i === 0
      ? { item: r.requirement, result_code: "2", memo: "核查进行中" }
      : {
          item: r.requirement,
          result_code: "1",
          memo: revoked ? "已解除" : "已核查并依法处理",
          ...(r.object !== "经营许可" && r.object !== "道路运输证" ? {} : certs.length ? { vehicle_certs: certs } : {}),
        },
  );
  return {
    ...(n.operator.credit_code ? { licence_no: "苏交运管许可常字320400001234号（模拟）" } : {}),
    results,
    conclusion: partial ? "部分事项仍在核查。" : revoked ? "已解除对该经营者的限制措施。" : "已完成核查并依法处理。",
    completed: partial ? 0 : 1,
    feedback_time: at,
  };
}

/** Transport's case line in the simulator: orders, 催办 and 撤回 read; receive, finish, delay and reject written. */
export const transportSimCases: SimCaseOptions = {
  hub: CASE_HUB,
  routes: [
    {
      path: CASE_PATH,
      schema: CASE_SCHEMA.task,
      read: (b: TransportCaseTask) => ({
        what: "task",
        taskId: b.order_no,
        caseId: b.case_no,
        unitId: b.dept_code,
        role: b.order_role === "1" ? "owner" : "co",
        rework: b.redo_count,
        title: b.title,
        category: b.category_name.split("/"),
        confidential: b.secret === 1,
        ...(b.handle_limit ? { handleDeadline: b.handle_limit } : {}),
      }),
    },
    {
      path: `${CASE_PATH}/:order_no/reminders`,
      schema: CASE_SCHEMA.urge,
      read: (b: TransportCaseUrge) => ({ what: "urge", taskId: b.order_no, level: fromCode(URGE_CODES, b.remind_level), text: b.content }),
    },
    { path: `${CASE_PATH}/:order_no/cancel`, schema: CASE_SCHEMA.recall, read: (b: TransportCaseRecall) => ({ what: "recall", taskId: b.order_no, reason: b.cancel_reason }) },
  ],
  acceptBody: (t, at): TransportCaseAccept => ({ dept_code: t.unitId, receiver: "吴涛（模拟）", receive_time: at }),
  resultBody: (t, outcome, text, at): TransportCaseResult => {
    const b = t.body as TransportCaseTask;
    const on = [...(b.lines ?? []), ...(b.plate_nos ?? [])];
    return {
      dept_code: t.unitId,
      result_code: codeOf(RESULT_CODES, outcome),
      handle_result: text,
      ...(on.length && outcome !== 3 ? { punish_info: `${on.join(" ")} 已责成经营者整改（模拟）` } : {}),
      handler: "吴涛（模拟）",
      finish_time: at,
    };
  },
  extensionBody: (t, until, reason): TransportCaseExtension => ({ dept_code: t.unitId, delay_to: until, delay_reason: reason }),
  refuseBody: (t, reason, legalBasis): TransportCaseRefuse => ({ dept_code: t.unitId, reject_reason: reason, legal_basis: legalBasis }),
};

export function createTransportSimulator(opts: TransportSimulatorOptions = {}): BureauSimulator<TransportNotice> {
  return new BureauSimulator<TransportNotice>({
    system: SYSTEM,
    label: "交通运输",
    routes: [
      {
        path: NOTICE_PATH,
        schema: SCHEMA.notice,
        read: (b: TransportNotice) => ({ what: "notice", noticeId: b.notice_code, revocation: b.notice_kind === "REVOKE", ...(b.revoked_notice_code ? { revokes: b.revoked_notice_code } : {}) }),
      },
      {
        path: `${NOTICE_PATH}/:code/reminders`,
        schema: SCHEMA.reminder,
        read: (b: TransportReminder) => ({ what: "reminder", noticeId: b.notice_code, of: b.remind_item === "1" ? "receipt" : "feedback" }),
      },
    ],
    receiptBody: simReceipt,
    feedbackBody: simFeedback,
    cases: transportSimCases,
    ...opts,
  });
}
