/**
 * The 12345 adapter's spec: the routes the 12345 platform calls (派单, 回访, 催办/督办) and the
 * messages the hub sends back (签收, 退单, 延期, 回复). The gateway validates each body against
 * the route's contract and keeps the raw message before `handle` runs; `handle` maps and makes
 * one hub call. Hub refusals (HubError 404 unknown order, 409 illegal transition) propagate.
 */
import { callCase, systemSettings, type AdapterSpec, type HubPort } from "../../kit/adapter";
import { requireOneOf } from "../../kit/errors";
import { Hotline12345Simulator } from "./simulator";
export { SCHEMA } from "./mapping";
import type { Callback12345, Urge12345, WorkOrder12345 } from "../../contracts/types";
import { SCHEMA, SYSTEM, toCaseDraft, toExtension, toReply, toReturn, toSign, type ExtensionCommand, type ReplyCommand, type ReturnCommand, type SignCommand } from "./mapping";

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
  routes: [
    {
      method: "POST",
      path: "/work-orders",
      kind: "work-order",
      schema: SCHEMA.workOrder,
      summary: "12345派单：接收一张工单并建立案件（同一工单编号重复派发答复 200 duplicate） / dispatch a work order",
      responses: [
        { status: 202, description: "已受理：新建案件 / accepted: a new case", answer: "CaseAccepted" },
        { status: 200, description: "重复派单，未重复建案 / a duplicate: nothing created", answer: "CaseDuplicate" },
      ],
      async handle(body: WorkOrder12345, _params, hub: HubPort) {
        requireOneOf(body as unknown as Record<string, unknown>, WORK_ORDER_NEEDS);
        const r = await hub.call<{ caseId: string; duplicate: boolean }>("cases.open", { draft: toCaseDraft(body) });
        return {
          status: r.duplicate ? 200 : 202,
          body: r.duplicate ? { caseId: r.caseId, duplicate: true } : { caseId: r.caseId },
          caseId: r.caseId,
        };
      },
    },
    {
      method: "POST",
      path: "/work-orders/:orderNo/callback",
      kind: "callback",
      schema: SCHEMA.callback,
      summary: "12345回访结果：满意度 0 不满意 重办，1–3 办结归档 / call-back result",
      async handle(body: Callback12345, params, hub: HubPort) {
        return callCase(hub, "cases.callback", {
          system: SYSTEM,
          externalId: params.orderNo,
          satisfaction: body.satisfaction,
          ...(body.comment !== undefined ? { comment: body.comment } : {}),
          at: body.calledBackAt ?? new Date().toISOString(),
        });
      },
    },
    {
      method: "POST",
      path: "/work-orders/:orderNo/urge",
      kind: "urge",
      schema: SCHEMA.urge,
      summary: "12345催办/督办：记入流转记录并转告承办单位 / urging or supervision",
      async handle(body: Urge12345, params, hub: HubPort) {
        return callCase(hub, "cases.urge", {
          system: SYSTEM,
          externalId: params.orderNo,
          level: body.level,
          text: body.text,
          at: body.urgedAt ?? new Date().toISOString(),
        });
      },
    },
  ],
  commands: {
    sign: {
      schema: SCHEMA.sign,
      summary: "签收：告知12345平台承办单位已签收工单 / sign for the order",
      build: (p) => toSign(p as SignCommand),
    },
    return: {
      schema: SCHEMA.return,
      summary: "退单：把工单退回12345平台重新派单 / return the order",
      build: (p) => toReturn(p as ReturnCommand),
    },
    extension: {
      schema: SCHEMA.extension,
      summary: "延期申请：请12345督查中心延长办理时限 / request an extension",
      build: (p) => toExtension(p as ExtensionCommand),
    },
    reply: {
      schema: SCHEMA.reply,
      summary: "回复/办结反馈：报送办理结果和答复内容 / reply with the outcome",
      build: (p) => toReply(p as ReplyCommand),
    },
  },
};
