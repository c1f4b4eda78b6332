/**
 * The simulated 交通运输 (kit/bureau.ts BureauSimulator): takes 联合惩戒抄告 and 催办 in
 * transport's format, signs as the transport enforcement corps and reports per review item with
 * the operator's licence and the vehicles' 道路运输证. Controls: setBehaviour(noticeId | "*",
 * {silent, fail, noFeedback, partial}) or POST /__sim/behaviour; notices() / GET /__sim/notices.
 */
import type { TransportFeedback, TransportNotice, TransportReceipt, TransportReminder } from "../../contracts/types";
import { type BureauBehaviour, BureauSimulator } from "../../kit/bureau";
import { NOTICE_PATH, SCHEMA, SYSTEM } from "./mapping";

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
    ...opts,
  });
}
