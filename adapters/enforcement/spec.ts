/**
 * The enforcement system's spec (行政执法/处罚系统): it sends the hub its administrative penalty
 * decisions (行政处罚决定) with the 双公示 penalty data items as the national data standard names
 * them; the hub checks every identity in them (mapping.ts) and hands the canonical sanction to the
 * credit service. The hub sends the enforcement system nothing: no commands.
 */
import type { EnforcementCommitment, EnforcementSanction } from "../../contracts/types";
import { type AdapterSpec, type HubPort, systemSettings } from "../../kit/adapter";
import { toCommitment } from "./commitment";
import { SCHEMA, SYSTEM, toSanction } from "./mapping";
import { EnforcementSimulator } from "./simulator";

export { SCHEMA, SYSTEM } from "./mapping";

/** The API-key role of the enforcement system (and of its simulator). */
export const ENFORCEMENT_ROLE = "enforcement";

/** What the credit service answers for a sanction: its id, and whether the decision number was already known. */
export interface SanctionAnswer {
  sanctionId: string;
  duplicate?: boolean;
}

/** What the credit service answers for a commitment. */
export interface CommitmentAnswer {
  commitmentId: string;
  status: string;
  duplicate?: boolean;
}

/** Today in Asia/Shanghai (YYYY-MM-DD), for the birth-date rule of resident IDs. */
const todayCst = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export const enforcement: AdapterSpec = {
  system: SYSTEM,
  title: "行政执法系统（行政处罚）",
  roles: ["source"],
  basePath: "/v1/sanctions",
  // a source must say how it is named; the enforcement system raises sanctions, not cases
  origin: { label: "行政执法", noun: "处罚决定" },
  callers: [{ role: ENFORCEMENT_ROLE, label: "行政执法系统", demoKey: "demo-enforcement-key" }],
  settings: systemSettings(SYSTEM, "行政执法系统", "https://zhzf.example.gov.cn/api"),
  simulator: {
    role: ENFORCEMENT_ROLE,
    create: (_sim, log) => new EnforcementSimulator({ log }),
  },
  routes: [
    {
      method: "POST",
      // mounted as POST /api/v1/sanctions (the gateway drops the trailing slash)
      path: "/",
      kind: "sanction",
      schema: SCHEMA.sanction,
      summary:
        "行政处罚决定：行政执法系统按双公示数据标准报送一份处罚决定，核验统一社会信用代码、身份证号码和号牌后交信用服务（同一决定书文号重复报送答复 200 duplicate） / an administrative penalty decision",
      responses: [
        { status: 202, description: "已受理：处罚决定已记录，双公示与联合惩戒已排队 / accepted", answer: "SanctionAccepted" },
        { status: 200, description: "重复：同一决定书文号已收到，未作改变 / a duplicate; nothing changed", answer: "SanctionDuplicate" },
      ],
      async handle(body: EnforcementSanction, _params, hub: HubPort) {
        const intake = toSanction(body, { today: todayCst() });
        const r = await hub.call<SanctionAnswer>("sanctions.sanction", intake);
        return r?.duplicate ? { status: 200, body: { sanctionId: r.sanctionId, duplicate: true } } : { status: 202, body: { sanctionId: r?.sanctionId } };
      },
    },
    {
      method: "POST",
      // POST /api/v1/sanctions/commitments: the enforcement system (城管 and the streets' 综合执法) files the pledges it signs
      path: "/commitments",
      kind: "commitment",
      schema: SCHEMA.commitment,
      summary:
        "信用承诺：业主不违建承诺书、物业服务企业责任书等，核验主体代码或身份证号码后记入主体信用档案；之后同一主体因承诺涵盖的违法行为受处罚即标注违诺并关联该处罚决定（同一承诺书编号重复报送答复 200 duplicate） / a credit commitment",
      responses: [
        { status: 202, description: "已记录：信用承诺已记入主体信用档案 / recorded", answer: "CommitmentAccepted" },
        { status: 200, description: "重复：同一承诺书编号已收到，未作改变 / a duplicate; nothing changed", answer: "CommitmentDuplicate" },
      ],
      async handle(body: EnforcementCommitment, _params, hub: HubPort) {
        const r = await hub.call<CommitmentAnswer>("sanctions.commitment", toCommitment(body, { today: todayCst() }));
        return r?.duplicate
          ? { status: 200, body: { commitmentId: r.commitmentId, status: r.status, duplicate: true } }
          : { status: 202, body: { commitmentId: r?.commitmentId, status: r?.status ?? "active" } };
      },
    },
  ],
  commands: {},
};
