/**
 * The 12319 城建服务热线 adapter's spec: the routes the 12319 platform calls (派单 tickets, 回访
 * visit, 催办/督办 supervise) and what the hub sends back (签收 accept, 退单 back, 延期 delay, 回复
 * feedback, 超时提醒 warn) — the lifecycle every hotline line shares (kit/hotline.ts) in 12319's own wire.
 *
 * Many cities have folded 12319 into 12345: with LINE12319_VIA=hotline12345 this adapter is left
 * out of the registry (adapters/index.ts), its routes are not mounted and its simulator does not
 * start; 12319's calls arrive as 12345 work orders through the 12345 adapter.
 */
import type { Supervise12319, Ticket12319, Visit12319 } from "../../contracts/types";
import { systemSettings, viaSetting, type AdapterSpec } from "../../kit/adapter";
import { hotlineLine } from "../../kit/hotline";
import { SATISFACTION, SCHEMA, SYSTEM, TICKET_NEEDS, TICKET_PATH, toCaseDraft, WIRE } from "./mapping";
import { Line12319Simulator } from "./simulator";

export { SCHEMA } from "./mapping";

export const line12319: AdapterSpec = {
  system: SYSTEM,
  title: "12319城建服务热线",
  roles: ["source"],
  basePath: "/v1/line12319",
  origin: { label: "12319", noun: "工单" },
  callers: [{ role: SYSTEM, label: "12319城建热线平台", demoKey: "demo-line12319-key" }],
  settings: [...systemSettings(SYSTEM, "12319城建热线平台", "https://12319.example.gov.cn/api"), viaSetting(SYSTEM, "12319城建热线", ["hotline12345"])],
  simulator: {
    role: SYSTEM,
    create: (sim, log) => new Line12319Simulator({ callbackDelayMs: sim.callbackDelayMs, log, dispatchSamples: sim.dispatchSamples }),
  },
  ...hotlineLine<Ticket12319, Visit12319, Supervise12319>({
    system: SYSTEM,
    ticketPath: TICKET_PATH,
    numberParam: "ticketNo",
    intake: {
      kind: "ticket",
      schema: SCHEMA.ticket,
      summary: "12319派单：接收一张城建热线工单并建立案件（同一工单号重复派发答复 200 duplicate） / dispatch a ticket",
      needs: TICKET_NEEDS,
      toDraft: toCaseDraft,
    },
    callback: {
      action: "visit",
      schema: SCHEMA.visit,
      summary: "12319回访结果：不满意 重办，基本满意/满意/非常满意 办结归档 / call-back result",
      read: (b) => ({ satisfaction: SATISFACTION[b.visitResult], comment: b.visitOpinion, at: b.visitTime }),
    },
    urge: {
      action: "supervise",
      schema: SCHEMA.supervise,
      summary: "12319催办/督办：记入流转记录并转告承办单位 / urging or supervision",
      read: (b) => ({ level: b.superviseType, text: b.superviseContent, at: b.superviseTime }),
    },
    commands: {
      sign: { ...WIRE.sign, schema: SCHEMA.accept, summary: "签收：告知12319平台承办单位已签收工单 / sign for the ticket" },
      return: { ...WIRE.return, schema: SCHEMA.back, summary: "退单：把工单退回12319平台 / return the ticket" },
      extension: { ...WIRE.extension, schema: SCHEMA.delay, summary: "延期申请：请12319平台延长处理时限 / request an extension" },
      reply: { ...WIRE.reply, schema: SCHEMA.feedback, summary: "办理反馈：报送处理结果和反馈内容 / reply with the outcome" },
      overdue: { ...WIRE.overdue, schema: SCHEMA.warn, summary: "超时提醒：时限巡查对处理单位预警、催办、督办时告知12319平台 / the deadline jobs' warning, urge or supervision" },
    },
  }),
};
