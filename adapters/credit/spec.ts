/**
 * The public-credit platform's spec (公共信用信息共享平台): the registry that receives the hub's
 * 双公示 penalty records, list decisions and revocations (the canonical `publication` command), and
 * that tells the hub when a subject's credit was repaired (信用修复) and what its comprehensive
 * credit level is. The gateway validates each inbound body tolerantly against the route's contract
 * and keeps the raw message before `handle` maps it and makes one hub call (`sanctions.repair`,
 * `sanctions.level`); refusals of the credit service (HubError: 404 unknown decision …) propagate.
 */
import type { CreditLevel, CreditRepair, Publication } from "../../contracts/types";
import { type AdapterSpec, BATCH_PATH, type HubPort, type InboundResult, systemSettings } from "../../kit/adapter";
import { SCHEMA, SYSTEM, toLevelParams, toPublicationRequest, toRepairParams } from "./mapping";
import { CreditSimulator } from "./simulator";

export { SCHEMA, SYSTEM } from "./mapping";

/** The API-key role of the credit platform (and of its simulator). */
export const CREDIT_ROLE = "credit";

/** One hub call; the hub's answer is the answer (200). */
async function callCredit(hub: HubPort, action: string, params: unknown): Promise<InboundResult> {
  const r = await hub.call<unknown>(action, params);
  return { status: 200, body: r ?? { ok: true } };
}

export const credit: AdapterSpec = {
  system: SYSTEM,
  title: "公共信用信息共享平台",
  roles: ["registry"],
  basePath: "/v1/credit",
  callers: [{ role: CREDIT_ROLE, label: "公共信用信息共享平台", demoKey: "demo-credit-key" }],
  settings: systemSettings(SYSTEM, "公共信用信息共享平台", "https://credit.example.gov.cn/api"),
  simulator: {
    role: CREDIT_ROLE,
    create: (_sim, log) => new CreditSimulator({ log }),
  },
  routes: [
    {
      method: "POST",
      path: "/repairs",
      kind: "repair",
      schema: SCHEMA.repair,
      summary: "信用修复决定：平台告知某决定书（记录）已修复，停止公示（或标注已修复），中枢据此撤销各委办局的联合惩戒措施 / a credit repair decision",
      responses: [{ status: 200, description: "已处理：决定书已标注修复，相关抄告单已撤销 / repaired; notices revoked", answer: "RepairAck" }],
      handle: (body: CreditRepair, _params, hub: HubPort) => callCredit(hub, "sanctions.repair", toRepairParams(body)),
    },
    {
      method: "POST",
      path: "/levels",
      kind: "level",
      schema: SCHEMA.level,
      summary: "公共信用综合评价结果：主体的信用等级（A 优、B 良、C 中、D 差），用于分级分类监管 / a subject's comprehensive credit level",
      responses: [{ status: 200, description: "已记录主体的综合评价等级 / the level was recorded", answer: "LevelAck" }],
      handle: (body: CreditLevel, _params, hub: HubPort) => callCredit(hub, "sanctions.level", toLevelParams(body)),
    },
  ],
  batch: { path: BATCH_PATH, max: 100 },
  commands: {
    publication: {
      schema: SCHEMA.publication,
      summary: "报送公共信用信息：行政处罚信息（双公示，POST /xzcf）、名单认定（POST /lists）或撤销（POST …/{SJID}/revoke） / publish or revoke a 双公示 record or a list decision",
      build: (payload) => toPublicationRequest(payload as Publication),
    },
  },
};
