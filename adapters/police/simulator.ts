/**
 * The simulated 公安交警 (kit/bureau.ts BureauSimulator): takes 通行证抄告单 and 催办 in the
 * police's format, signs as the traffic police's duty officer and reports per vehicle what was
 * done with its pass. Controls: setBehaviour(noticeId | "*", {silent, fail, noFeedback, partial})
 * or POST /__sim/behaviour; notices() / GET /__sim/notices; messages() / GET /__sim/received.
 */
import type { PoliceFeedback, PoliceNotice, PoliceReceipt, PoliceReminder } from "../../contracts/types";
import { type BureauBehaviour, BureauSimulator } from "../../kit/bureau";
import { NOTICE_PATH, SCHEMA, SYSTEM } from "./mapping";

export interface PoliceSimulatorOptions {
  hubUrl?: string;
  apiKey?: string;
  receiptDelayMs?: number;
  feedbackDelayMs?: number;
  behaviour?: Record<string, BureauBehaviour>;
  log?: (line: string) => void;
}

/** The receipt the simulated police send. */
export function simReceipt(_n: PoliceNotice, at: string): PoliceReceipt {
  return { qsr: "王建国（模拟）", qsrjh: "040123", qsdw: "市公安局交通警察支队", qssj: at };
}

/** The feedback: every vehicle's pass done as asked (the first one left undone when `partial`), every measure 已落实. */
export function simFeedback(n: PoliceNotice, at: string, partial: boolean): PoliceFeedback {
  const result = { 收回通行证: "已收回", 注销通行证: "已注销", 解除限制: "已解除" } as const;
  const clmx: NonNullable<PoliceFeedback["clmx"]> = n.clmx.map((v, i) =>
    partial && i === 0
      ? { hphm: v.hphm, ...(v.txzbh ? { txzbh: v.txzbh } : {}), czjg: "未收回", bz: "车辆外出作业，待返回后收回" }
      : { hphm: v.hphm, ...(v.txzbh ? { txzbh: v.txzbh } : {}), czjg: result[v.czlx] },
  );
  const undoneMeasure = partial && !clmx.length;
  const qtcs: NonNullable<PoliceFeedback["qtcs"]> = n.cgcs.map((cs, i) =>
    undoneMeasure && i === 0 ? { cs, lsqk: "未落实", bz: "正在核查当事人名下车辆" } : { cs, lsqk: "已落实", ...(n.clfw === "2" ? { bz: "已按当事人查询名下全部车辆并处置（模拟）" } : {}) },
  );
  const revoked = n.cglx === "2";
  return {
    ...(clmx.length ? { clmx } : {}),
    qtcs,
    fkqk: partial ? "部分车辆尚未处置完毕，将持续跟进。" : revoked ? "已解除对当事人车辆通行证的限制。" : "已按抄告要求处置当事人车辆通行证。",
    sfwc: partial ? "0" : "1",
    fkr: "王建国（模拟）",
    fksj: at,
  };
}

export function createPoliceSimulator(opts: PoliceSimulatorOptions = {}): BureauSimulator<PoliceNotice> {
  return new BureauSimulator<PoliceNotice>({
    system: SYSTEM,
    label: "公安交警",
    routes: [
      { path: NOTICE_PATH, schema: SCHEMA.notice, read: (b: PoliceNotice) => ({ what: "notice", noticeId: b.cgdbh, revocation: b.cglx === "2", ...(b.ycgdbh ? { revokes: b.ycgdbh } : {}) }) },
      { path: `${NOTICE_PATH}/:cgdbh/cb`, schema: SCHEMA.reminder, read: (b: PoliceReminder) => ({ what: "reminder", noticeId: b.cgdbh, of: b.cblx === "1" ? "receipt" : "feedback" }) },
    ],
    receiptBody: simReceipt,
    feedbackBody: simFeedback,
    ...opts,
  });
}
