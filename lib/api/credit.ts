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
  InspectionDraw: {
    title: "InspectionDraw 双随机抽查结果",
    description: "种子、方法、各等级比例和抽中数、抽中的主体（等级及理由）；subjects 为全部抽查对象（仅单条查询） / the draw",
    type: "object",
    required: ["id", "industry", "period", "seed", "levels", "selected"],
    properties: {
      id: { type: "string" },
      city: { type: "string" },
      industry: { type: "string" },
      period: { type: "string" },
      seed: { type: "string" },
      method: { type: "string" },
      rates: { type: "object", description: "所用城市数据文件及各等级比例" },
      levels: { type: "object", additionalProperties: { type: "object", properties: { population: { type: "integer" }, rate: { type: "number" }, drawn: { type: "integer" } } } },
      population: { type: "integer" },
      selected: { type: "array", items: { $ref: "#/components/schemas/InspectedSubject" } },
      subjects: { type: "array", items: { $ref: "#/components/schemas/InspectedSubject" } },
      recorded: { type: "boolean", description: "true：同一城市、行业、周期和种子已抽过，返回的是已记录的结果" },
      drawnAt: { type: "string", format: "date-time" },
    },
  },
  InspectedSubject: {
    title: "InspectedSubject 抽查对象",
    type: "object",
    required: ["key", "name", "level", "why"],
    properties: { key: { type: "string" }, name: { type: "string" }, type: { type: "string" }, level: { type: "string", examples: ["高风险"] }, why: { type: "array", items: { type: "string" } } },
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
    summary:
      "行政处罚决定列表（按主体、严重程度、双公示报送状态筛选，最新在前；publication=overdue 为超过 7 个工作日仍未报送至信用平台的告警） / sanctions; publication=overdue lists the 双公示 records past their deadline",
    query: query({
      subject: text("主体", "统一社会信用代码或证件号码", 30),
      severity: { title: "严重程度", description: "轻微、一般、严重", type: "string", enum: ["轻微", "一般", "严重"] },
      publication: {
        title: "双公示报送",
        description:
          "overdue 超过报送时限（处罚决定后 7 个工作日）仍未送达信用平台（由抄告单巡查任务 notice-sweep 判定）、dueUnknown 时限落入工作日历未覆盖的年份且尚未送达、undelivered 尚未送达、delivered 已送达",
        type: "string",
        enum: ["overdue", "dueUnknown", "undelivered", "delivered"],
      },
      limit: { title: "条数", description: "最多条数，默认 50", type: "integer", minimum: 1, maximum: 500 },
    }),
    response: {
      status: 200,
      description: "处罚决定；每项的 publication 含报送时限 due、送达时间 deliveredAt、超期告警 alarm（overdue、dueUnknown）及外发状态 / sanctions with their 双公示 state",
      schema: list({ type: "object" }),
    },
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
    summary: "信用主体档案：处罚决定、黑名单等名单（审批前可查询）、抄告单及签收反馈、信用承诺及违诺、平台综合信用等级和行业信用评价 / a credit subject's record",
    response: {
      status: 200,
      description: "主体档案 / the record",
      schema: {
        type: "object",
        required: ["key", "lists", "sanctions", "notices", "commitments"],
        properties: {
          key: { type: "string" },
          level: { type: ["object", "null"], description: "公共信用综合评价" },
          industryLevel: { type: ["object", "null"], description: "行业信用评价" },
          industries: { type: "array", items: { type: "string" }, description: "所属行业" },
          lists: { type: "array" },
          sanctions: { type: "array" },
          notices: { type: "array" },
          commitments: {
            type: "array",
            description: "信用承诺（不违建承诺、物业服务企业责任书等）；违诺的列出关联的处罚决定 breaches[].sanctionId、decisionNo；自然人姓名、证件号码、房屋地址已脱敏",
            items: { type: "object" },
          },
        },
      },
    },
  },
  {
    method: "POST",
    path: "/v1/credit/inspections/draw",
    action: "sanctions.drawInspections",
    roles: ["engineer", "enforcement"],
    body: "tongguan:canonical/inspection-draw-command",
    summary:
      "分级分类监管双随机抽查：按行业和周期，以公共信用综合评价、行业信用评价、名单和违诺确定每个主体的监管等级，按城市数据中的比例（低风险少抽、高风险多抽）以随机种子抽取；同一城市、行业、周期和种子只抽一次，再次请求返回已记录的结果 / a seeded 双随机 draw by level; recorded once per (city, industry, period, seed)",
    response: { status: 200, description: "抽查结果：各等级对象数、比例和抽中数，抽中的主体及其等级和理由 / the draw", schema: { $ref: "#/components/schemas/InspectionDraw" } },
  },
  {
    method: "GET",
    path: "/v1/credit/inspections",
    action: "sanctions.inspections",
    roles: [...READERS, "enforcement"],
    summary: "已记录的双随机抽查（按行业、周期筛选，最新在前） / recorded draws",
    query: query({
      industry: text("行业", "所属行业，如 建筑垃圾运输处置", 30),
      period: text("周期", "抽查周期，如 2026-Q2", 10),
      limit: { title: "条数", description: "最多条数，默认 50", type: "integer", minimum: 1, maximum: 200 },
    }),
    response: { status: 200, description: "抽查记录 / draws", schema: list({ $ref: "#/components/schemas/InspectionDraw" }) },
  },
  {
    method: "GET",
    path: "/v1/credit/inspections/:id",
    action: "sanctions.inspection",
    roles: [...READERS, "enforcement"],
    summary: "一次双随机抽查的记录，含全部抽查对象及其等级和理由（可据以复核抽取结果） / one draw with its whole population",
    response: { status: 200, description: "抽查记录 / the draw", schema: { $ref: "#/components/schemas/InspectionDraw" } },
  },
];
