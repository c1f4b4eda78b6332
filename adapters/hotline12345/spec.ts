/**
 * The 12345 adapter's spec: the routes the 12345 platform calls (派单, 回访, 催办/督办) and the
 * messages the hub sends back (签收, 退单, 延期, 回复, 时限通报). The gateway validates each body against
 * the route's contract and keeps the raw message before `handle` runs; `handle` maps and makes
 * one hub call (the lifecycle every hotline line shares is kit/hotline.ts). Hub refusals (HubError 404 unknown order, 409 illegal transition) propagate.
 */
import { systemSettings, type AdapterSpec } from "../../kit/adapter";
import { hotlineLine } from "../../kit/hotline";
import { Hotline12345Simulator } from "./simulator";
export { SCHEMA } from "./mapping";
import type { Callback12345, Urge12345, WorkOrder12345 } from "../../contracts/types";
import { ORDER_PATH, SCHEMA, SYSTEM, WIRE, toCaseDraft } from "./mapping";

/** What the hub cannot work without, beyond the contract's required fields. */
const WORK_ORDER_NEEDS = [
  { fields: ["title", "content"], zh: "标题和诉求内容至少填写一项", en: "a title or a content is needed" },
  { fields: ["address", "gridCode", "location", "region"], zh: "至少需要一项位置信息：地址、网格编码、坐标或区域", en: "some location is needed: address, grid code, coordinates or region" },
];

export const hotline12345: AdapterSpec = {
  system: SYSTEM,
  title: "12345政务服务便民热线",
  roles: ["source"],
  basePath: "/v1/hotline12345",
  origin: { label: "12345", noun: "工单" },
  callers: [{ role: SYSTEM, label: "12345热线平台", demoKey: "demo-hotline12345-key" }],
  settings: systemSettings(SYSTEM, "12345热线平台", "https://12345.example.gov.cn/api"),
  simulator: {
    role: SYSTEM,
    create: (sim, log) => new Hotline12345Simulator({ callbackDelayMs: sim.callbackDelayMs, log, onHubReady: { samples: sim.dispatchSamples, perMinute: sim.ordersPerMinute } }),
  },
  ...hotlineLine<WorkOrder12345, Callback12345, Urge12345>({
    system: SYSTEM,
    ticketPath: ORDER_PATH,
    numberParam: "orderNo",
    intake: {
      kind: "work-order",
      schema: SCHEMA.workOrder,
      summary: "12345派单：接收一张工单并建立案件（同一工单编号重复派发答复 200 duplicate） / dispatch a work order",
      needs: WORK_ORDER_NEEDS,
      toDraft: toCaseDraft,
    },
    callback: {
      action: "callback",
      schema: SCHEMA.callback,
      summary: "12345回访结果：满意度 0 不满意 重办，1–3 办结归档 / call-back result",
      read: (b) => ({ satisfaction: b.satisfaction, comment: b.comment, at: b.calledBackAt }),
    },
    urge: {
      action: "urge",
      schema: SCHEMA.urge,
      summary: "12345催办/督办：记入流转记录并转告承办单位 / urging or supervision",
      read: (b) => ({ level: b.level, text: b.text, at: b.urgedAt }),
    },
    commands: {
      sign: { ...WIRE.sign, schema: SCHEMA.sign, summary: "签收：告知12345平台承办单位已签收工单 / sign for the order" },
      return: { ...WIRE.return, schema: SCHEMA.return, summary: "退单：把工单退回12345平台重新派单 / return the order" },
      extension: { ...WIRE.extension, schema: SCHEMA.extension, summary: "延期申请：请12345督查中心延长办理时限 / request an extension" },
      reply: { ...WIRE.reply, schema: SCHEMA.reply, summary: "回复/办结反馈：报送办理结果和答复内容 / reply with the outcome" },
      overdue: { ...WIRE.overdue, schema: SCHEMA.overdue, summary: "时限通报：时限巡查对承办单位预警、催办、督办时告知12345平台 / the deadline jobs' warning, urge or supervision" },
    },
  }),
};
