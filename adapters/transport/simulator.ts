/**
 * The simulated 交通运输 (kit/bureau.ts BureauSimulator): takes 联合惩戒抄告 and 催办 in
 * transport's format, signs as the transport enforcement corps and reports per review item with
 * the operator's licence and the vehicles' 道路运输证; with its case line it plays the transport
 * units: complaint orders signed, finished (with what was done about the lines and vehicles the order
 * named), or rejected, in transport's format. Controls: setBehaviour(noticeId | "*",
 * {silent, fail, noFeedback, partial}) or POST /__sim/behaviour; notices() / GET /__sim/notices.
 */
import type { TransportCaseAccept, TransportCaseResult, TransportCaseTask, TransportFeedback, TransportNotice, TransportReceipt } from "../../contracts/types";
import type { BureauSimulator } from "../../kit/bureau";
import { type BureauSimSettings, bureauSimulator, encode, type SimCaseAnswers } from "../../kit/bureau-wire";
import { CASE_WIRE, WIRE } from "./mapping";

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

/** The transport units' receive and finish in the simulator (routes, delay and reject come from the wire). */
export const transportSimCases: SimCaseAnswers = {
  acceptBody: (t, at): TransportCaseAccept => ({ dept_code: t.unitId, receiver: "吴涛（模拟）", receive_time: at }),
  resultBody: (t, outcome, text, at): TransportCaseResult => {
    const b = t.body as TransportCaseTask;
    const on = [...(b.lines ?? []), ...(b.plate_nos ?? [])];
    return {
      dept_code: t.unitId,
      result_code: encode(CASE_WIRE.codes.outcome, outcome) as TransportCaseResult["result_code"],
      handle_result: text,
      ...(on.length && outcome !== 3 ? { punish_info: `${on.join(" ")} 已责成经营者整改（模拟）` } : {}),
      handler: "吴涛（模拟）",
      finish_time: at,
    };
  },
};

export function createTransportSimulator(opts: BureauSimSettings = {}): BureauSimulator<TransportNotice> {
  return bureauSimulator<TransportNotice>(WIRE, { label: "交通运输", receiptBody: simReceipt, feedbackBody: simFeedback, cases: transportSimCases }, opts);
}
