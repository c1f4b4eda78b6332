/**
 * 信用 routes for people and bureaus, in the ApiRoute shape of lib/api.ts: sanctions (masked:
 * a person's name and ID numbers), notices by bureau, subject and state, and a subject's record
 * — its list entries, so a bureau can ask before it issues a permit.
 */
import { ADAPTERS } from "../../adapters";
import type { ApiRoute } from "../api";

const READERS = ["agent", "engineer"];
/** the bureaus' caller roles may read a subject's record (lists) too */
const BUREAUS = ADAPTERS.filter((a) => a.roles.includes("bureau")).flatMap((a) => a.callers.map((c) => c.role));
const text = (title: string, description: string, maxLength = 64) => ({ title, description, type: "string", minLength: 1, maxLength });
const query = (properties: Record<string, Record<string, unknown> & { title: string; description: string }>) => ({ type: "object" as const, additionalProperties: false as const, properties });
const list = (of: Record<string, unknown>) => ({ type: "object", required: ["items"], properties: { items: { type: "array", items: of } } });

/**
 * The success answers of the credit routes of the adapters (enforcement, credit platform, bureaus),
 * published as named components of the OpenAPI document beside the case answers (lib/api.ts ANSWERS);
 * a route names one in InboundRoute.responses (kit/adapter.ts RouteAnswer).
 */
export const CREDIT_ANSWERS = {
  SanctionAccepted: {
    title: "SanctionAccepted 处罚决定已受理",
    description: "已记录处罚决定，并在同一事务中排队双公示报送和联合惩戒抄告 / the decision was recorded, its publication and notices queued",
    type: "object",
    required: ["sanctionId"],
    properties: { sanctionId: { type: "string" } },
    examples: [{ sanctionId: "SN2611280000A1B2C3" }],
  },
  SanctionDuplicate: {
    title: "SanctionDuplicate 重复的处罚决定",
    description: "同一行政处罚决定书文号已收到，未作任何改变 / the decision number is already known; nothing changed",
    type: "object",
    required: ["sanctionId", "duplicate"],
    properties: { sanctionId: { type: "string" }, duplicate: { const: true } },
    examples: [{ sanctionId: "SN2611280000A1B2C3", duplicate: true }],
  },
  CommitmentAccepted: {
    title: "CommitmentAccepted 信用承诺已记录",
    description: "已记录信用承诺，列入主体信用档案 / the pledge was recorded on the subject's record",
    type: "object",
    required: ["commitmentId", "status"],
    properties: { commitmentId: { type: "string" }, status: { type: "string", enum: ["active", "breached"] } },
    examples: [{ commitmentId: "CM2611280000A1B2C3", status: "active" }],
  },
  CommitmentDuplicate: {
    title: "CommitmentDuplicate 重复的信用承诺",
    description: "同一承诺书编号已收到，未作任何改变 / the pledge number is already known; nothing changed",
    type: "object",
    required: ["commitmentId", "duplicate"],
    properties: { commitmentId: { type: "string" }, status: { type: "string" }, duplicate: { const: true } },
    examples: [{ commitmentId: "CM2611280000A1B2C3", status: "active", duplicate: true }],
  },
  RepairAck: {
    title: "RepairAck 信用修复已处理",
    description: "处罚决定已标注修复，撤销的抄告单数；已修复过的答复 duplicate / the decision is marked repaired; how many notices were revoked",
    type: "object",
    required: ["sanctionId", "repaired", "revoked"],
    properties: { sanctionId: { type: "string" }, repaired: { const: true }, revoked: { type: "integer" }, duplicate: { type: "boolean" } },
    examples: [{ sanctionId: "SN2611280000A1B2C3", repaired: true, revoked: 4 }],
  },
  LevelAck: {
    title: "LevelAck 综合评价已记录",
    description: "主体的公共信用综合评价等级已记录 / the subject's comprehensive level was recorded",
    type: "object",
    required: ["subject", "level"],
    properties: { subject: { type: "string" }, level: { type: "string" } },
    examples: [{ subject: "91320404MA1W7K3D6G", level: "C" }],
  },
  NoticeAck: {
    title: "NoticeAck 抄告单签收或反馈已记录",
    description: "抄告单及其当前状态（sent 待签收、received 已签收、done 已反馈、revoked 已撤销） / the notice and its state",
    type: "object",
    required: ["noticeId"],
    properties: { noticeId: { type: "string" }, status: { type: "string", enum: ["sent", "received", "done", "revoked"] } },
    examples: [{ noticeId: "JN-CZ-J010-1a2b3c4d-PL", status: "received" }],
  },
} satisfies Record<string, Record<string, unknown>>;

export const CREDIT_ROUTES: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/sanctions/:id",
    action: "sanctions.get",
    roles: READERS,
    summary: "一项行政处罚决定（按编号或决定书文号），含公示期限；自然人姓名和证件号码已脱敏 / one sanction, masked",
    response: {
      status: 200,
      description: "处罚决定 / the sanction",
      schema: {
        allOf: [
          { $ref: "tongguan:canonical/sanction" },
          { type: "object", properties: { id: { type: "string" }, flags: { type: "array", items: { type: "string" } }, publication: { type: "object" } } },
        ],
      },
    },
  },
  {
    method: "GET",
    path: "/v1/sanctions",
    action: "sanctions.list",
    roles: READERS,
    summary: "行政处罚决定列表（按主体、严重程度筛选，最新在前） / sanctions",
    query: query({
      subject: text("主体", "统一社会信用代码或证件号码", 30),
      severity: { title: "严重程度", description: "轻微、一般、严重", type: "string", enum: ["轻微", "一般", "严重"] },
      limit: { title: "条数", description: "最多条数，默认 50", type: "integer", minimum: 1, maximum: 500 },
    }),
    response: { status: 200, description: "处罚决定 / sanctions", schema: list({ type: "object" }) },
  },
  {
    method: "GET",
    path: "/v1/notices",
    action: "sanctions.notices",
    roles: READERS,
    summary: "联合惩戒抄告单（按接收部门、主体、状态筛选；escalated 为催办后仍未答复、已升级的） / joint-punishment notices",
    query: query({
      bureau: text("接收部门", "housing 住建、police 公安交警、transport 交通运输、cityManagement 城管", 32),
      subject: text("主体", "统一社会信用代码或证件号码", 30),
      status: { title: "状态", description: "sent 待签收、received 已签收、done 已反馈、revoked 已撤销、escalated 已升级", type: "string", enum: ["sent", "received", "done", "revoked", "escalated"] },
      limit: { title: "条数", description: "最多条数，默认 100", type: "integer", minimum: 1, maximum: 500 },
    }),
    response: { status: 200, description: "抄告单 / notices", schema: list({ type: "object" }) },
  },
  {
    method: "GET",
    path: "/v1/credit/subjects/:key",
    action: "sanctions.subject",
    roles: [...READERS, ...BUREAUS],
    summary: "信用主体档案：处罚决定、黑名单等名单（审批前可查询）、抄告单及签收反馈、平台综合信用等级 / a credit subject's record",
    response: {
      status: 200,
      description: "主体档案 / the record",
      schema: {
        type: "object",
        required: ["key", "lists", "sanctions", "notices"],
        properties: { key: { type: "string" }, lists: { type: "array" }, sanctions: { type: "array" }, notices: { type: "array" } },
      },
    },
  },
];
