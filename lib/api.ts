/**
 * The hub's own API for people (hotline agents, integration engineers), as data: the gateway
 * builds its aliases, its authorisation and its query checks from this table, and the OpenAPI
 * document its paths. Adapter routes (what external systems call) come from the adapter specs.
 *
 * Query parameters are one JSON Schema object per route. Values arrive as text: the gateway
 * converts integers and booleans, splits an `array` parameter at commas, and refuses an unknown
 * parameter or a bad value with 422 (pointer `/query/<name>`) before the action is called.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { ADAPTERS } from "../adapters";
import { getSchema, labels, type FieldError } from "../contracts";
import { ASSESSMENT_ROUTES } from "./api/assessment";
import { CREDIT_ROUTES } from "./api/credit";

type Json = Record<string, unknown>;

/** One query parameter: a JSON Schema with a Chinese `title` used in error messages. */
export type QueryParam = Json & { title: string; description: string };

export interface QuerySchema {
  type: "object";
  additionalProperties: false;
  properties: Record<string, QueryParam>;
}

export interface ApiRoute {
  method: "GET" | "POST";
  path: string;
  action: string;
  /** who may call it; "*" = any valid key */
  roles: string[];
  summary: string;
  /** contract $id of the JSON body, if any */
  body?: string;
  /** the query parameters; none are accepted when absent */
  query?: QuerySchema;
  /** the success answer; `$ref`s name contract $ids or `#/components/schemas/<one of ANSWERS>` */
  response: { status: 200 | 202; description: string; schema: Json };
}

const READERS = ["agent", "engineer"];

const common = () => getSchema("tongguan:canonical/common").$defs as Record<string, Json>;
/** a vocabulary of contracts/canonical/common, inlined (an ad-hoc schema cannot $ref the registry) */
const enumOf = (def: string): (string | number)[] => common()[def].enum as (string | number)[];

const query = (properties: Record<string, QueryParam>): QuerySchema => ({ type: "object", additionalProperties: false, properties });
const list = (title: string, description: string, values: (string | number)[], valueLabels?: Record<string, string>): QueryParam => ({
  title,
  description,
  type: "array",
  minItems: 1,
  uniqueItems: true,
  items: { type: "string", enum: values, ...(valueLabels ? { "x-labels": valueLabels } : {}) },
});
const text = (title: string, description: string, maxLength = 64): QueryParam => ({ title, description, type: "string", minLength: 1, maxLength });
const time = (title: string, description: string): QueryParam => ({ title, description, type: "string", format: "date-time", examples: ["2024-06-11T00:00:00+08:00"] });
const int = (title: string, description: string, minimum: number, maximum: number): QueryParam => ({ title, description, type: "integer", minimum, maximum });
const bool = (title: string, description: string): QueryParam => ({ title, description, type: "boolean" });

/** inbound_messages.outcome (store/intake.tables.ts) and outbox.status (store/cases.tables.ts) */
const INBOUND_OUTCOMES = ["accepted", "duplicate", "rejected", "error"];
const OUTBOX_STATUSES = ["pending", "inflight", "sent", "dead"];

const ref = (id: string) => ({ $ref: id });
const answer = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const items = (of: Json, extra: Json = {}) => ({ type: "object", required: ["items", ...Object.keys(extra)], properties: { items: { type: "array", items: of }, ...extra } });
const CASE = "tongguan:canonical/case";
const STATUS = "tongguan:canonical/common#/$defs/CaseStatus";

/** Answers shared by several routes (and by the adapter routes), published as named components. */
export const ANSWERS = {
  CaseAck: {
    title: "CaseAck 操作结果",
    description: "该步骤已记入案件，返回案件编号和当前状态 / the step was applied: the case and its status now",
    type: "object",
    required: ["caseId", "status"],
    properties: { caseId: { type: "string" }, status: ref(STATUS) },
    examples: [{ caseId: "TG2406110000A1B2C3", status: "DISPATCHED" }],
  },
  CaseAccepted: {
    title: "CaseAccepted 已受理",
    description: "已建立案件 / a case was opened",
    type: "object",
    required: ["caseId"],
    properties: { caseId: { type: "string" } },
    examples: [{ caseId: "TG2406110000A1B2C3" }],
  },
  CaseDuplicate: {
    title: "CaseDuplicate 重复消息",
    description: "同一编号已建案，未重复建案 / the same order was already received; nothing was created",
    type: "object",
    required: ["caseId", "duplicate"],
    properties: { caseId: { type: "string" }, duplicate: { const: true } },
    examples: [{ caseId: "TG2406110000A1B2C3", duplicate: true }],
  },
  CaseSummary: {
    title: "CaseSummary 案件（列表项）",
    allOf: [ref(CASE), { type: "object", properties: { statusLabel: { type: "string", description: "状态中文名", examples: ["办理中"] } } }],
  },
  CaseDetail: {
    title: "CaseDetail 案件详情",
    allOf: [
      ref(CASE),
      {
        type: "object",
        required: ["statusLabel", "timeline", "tasks", "outbound"],
        properties: {
          statusLabel: { type: "string", examples: ["办理中"] },
          attachments: {
            type: "array",
            description: "照片：案件各环节报文带来的照片（上报、处置、核查），含发送者和时间 / the photos the case's messages carried",
            items: {
              type: "object",
              required: ["url", "kind", "by", "at"],
              properties: {
                url: { type: "string", format: "uri" },
                kind: { type: "string", enum: ["上报", "处置", "核查"] },
                by: { type: "string", examples: ["监督员 JD0401017"] },
                at: { type: "string", format: "date-time" },
              },
            },
          },
          timeline: { type: "array", items: ref("tongguan:canonical/case-event"), description: "流转记录，按时间先后" },
          tasks: {
            type: "array",
            description: "派给承办单位的任务（主办 owner、协办 co）",
            items: {
              type: "object",
              properties: {
                id: { type: "string" },
                unitId: { type: "string" },
                unitName: { type: "string" },
                role: { type: "string", enum: ["owner", "co"] },
                round: { type: "integer" },
                status: { type: "string", enum: ["sent", "accepted", "done", "refused", "recalled"] },
                createdAt: { type: "string", format: "date-time" },
                updatedAt: { type: "string", format: "date-time" },
              },
            },
          },
          outbound: { type: "array", items: answer("OutboundMessage"), description: "该案件的外发消息" },
        },
      },
    ],
  },
  OutboundMessage: {
    title: "OutboundMessage 外发消息",
    type: "object",
    properties: {
      id: { type: "string" },
      system: { type: "string" },
      target: { type: ["string", "null"] },
      kind: { type: "string", examples: ["sign", "reply", "task"] },
      status: { type: "string", enum: OUTBOX_STATUSES },
      attempts: { type: "integer" },
      lastError: { type: ["string", "null"] },
      createdAt: { type: "string", format: "date-time" },
      sentAt: { type: ["string", "null"], format: "date-time" },
    },
  },
  InboundMessage: {
    title: "InboundMessage 入站报文",
    description: "一条请求原文（截至 RAW_KEEP_BYTES）及其处理结果；不含 API 密钥 / a request as received (capped), never with its key",
    type: "object",
    properties: {
      id: { type: "string" },
      receivedAt: { type: "string", format: "date-time" },
      system: { type: "string", examples: [ADAPTERS[0].system, "api"] },
      kind: { type: "string" },
      method: { type: "string" },
      path: { type: "string" },
      role: { type: ["string", "null"] },
      headers: { type: "object", additionalProperties: { type: "string" } },
      contentType: { type: ["string", "null"] },
      body: { type: "string", description: "原文（超过 RAW_KEEP_BYTES 时截断）" },
      bodyBytes: { type: "integer", description: "原文字节数" },
      truncated: { type: "boolean" },
      outcome: { type: "string", enum: INBOUND_OUTCOMES },
      httpStatus: { type: "integer" },
      errorCode: { type: ["string", "null"] },
      errors: { type: ["array", "null"], items: ref("tongguan:canonical/common#/$defs/FieldError") },
      caseId: { type: ["string", "null"] },
      response: {
        type: ["object", "null"],
        description:
          "带 Idempotency-Key 的请求所得应答（body），相同 Key 的重复请求再得此应答；其他请求为 null / the answer given to a request with an Idempotency-Key, which a repeat of that key gets again",
        properties: { body: {} },
      },
    },
  },
  Labelled: {
    title: "Labelled 取值与中文名",
    type: "object",
    required: ["value", "label"],
    properties: { value: { type: ["string", "integer"] }, label: { type: "string" } },
  },
} satisfies Record<string, Json>;

const labelledList = { type: "array", items: answer("Labelled") };

export const API: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/me",
    action: "gateway.me",
    roles: ["*"],
    summary: "当前密钥的角色（任何有效密钥） / the caller's role",
    response: {
      status: 200,
      description: "角色及其中文名 / role and its label",
      schema: { type: "object", required: ["role", "roleLabel"], properties: { role: { type: "string" }, roleLabel: { type: "string" } }, examples: [{ role: "agent", roleLabel: "坐席" }] },
    },
  },
  {
    method: "GET",
    path: "/v1/meta",
    action: "gateway.meta",
    roles: ["*"],
    summary: "控制台用词表：状态、办理结果、满意度、流转记录类型的中文名，各状态下坐席可做的操作，已接入的系统 / vocabulary for the console",
    response: {
      status: 200,
      description: "词表 / vocabulary",
      schema: {
        type: "object",
        required: ["statuses", "outcomes", "satisfaction", "eventTypes", "commands", "actions", "overdueStatuses", "systems"],
        properties: {
          statuses: labelledList,
          outcomes: labelledList,
          satisfaction: labelledList,
          eventTypes: labelledList,
          commands: labelledList,
          overdueStatuses: { type: "array", description: "超期只计这些状态 / the statuses a case can be overdue in", items: { type: "string" } },
          actions: {
            type: "object",
            description: "状态 → 该状态下坐席可执行的操作 / agent actions allowed in each status",
            additionalProperties: {
              type: "array",
              items: { type: "object", required: ["action", "label"], properties: { action: { type: "string", enum: ["assign", "adjudicate", "reassign", "returnCase"] }, label: { type: "string" } } },
            },
          },
          systems: {
            type: "array",
            items: {
              type: "object",
              required: ["system", "title", "roles", "origin"],
              properties: {
                system: { type: "string" },
                title: { type: "string" },
                roles: { type: "array", items: { type: "string" } },
                origin: { type: "boolean", description: "raises cases (来源系统)" },
              },
            },
          },
        },
        examples: [
          {
            statuses: [{ value: "TRIAGE", label: "待人工分拨" }],
            outcomes: [{ value: 0, label: "解决" }],
            satisfaction: [{ value: 2, label: "满意" }],
            eventTypes: [{ value: "ROUTED", label: "按规则派单" }],
            commands: [{ value: "sign", label: "签收" }],
            actions: { TRIAGE: [{ action: "assign", label: "人工派单" }], ARCHIVED: [] },
            overdueStatuses: ["TRIAGE", "DISPATCHED", "IN_PROGRESS"],
            systems: ADAPTERS.slice(0, 1).map((a) => ({ system: a.system, title: a.title, roles: a.roles, origin: a.roles.includes("source") })),
          },
        ],
      },
    },
  },
  {
    method: "GET",
    path: "/v1/cases",
    action: "cases.list",
    roles: READERS,
    summary: "案件列表（按状态、承办单位、来源、受理时间筛选，分页） / list cases",
    query: query({
      status: list("状态", "案件状态，可逗号分隔多个，如 TRIAGE,DISPATCHED", enumOf("CaseStatus"), labels("CaseStatus")),
      owner: text("承办单位", "承办单位编号 unit id（GET /api/v1/units）"),
      origin: { ...common().OriginSystem, title: "来源系统", description: "来源系统 origin system" },
      from: time("受理时间起", "受理时间起（含），ISO 8601 带时区"),
      to: time("受理时间止", "受理时间止（含），ISO 8601 带时区"),
      page: int("页码", "页码，从 1 开始", 1, 100_000),
      pageSize: int("每页条数", "每页条数，默认 20，最多 200", 1, 200),
      overdue: bool("超期", "true：只看超过办理时限仍未回复的案件（超期）"),
    }),
    response: {
      status: 200,
      description: "一页案件，最新受理在前 / one page of cases, newest first",
      schema: items(answer("CaseSummary"), { total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" } }),
    },
  },
  {
    method: "GET",
    path: "/v1/cases/:id",
    action: "cases.get",
    roles: READERS,
    summary: "案件详情，含流转记录、任务和外发消息 / a case with its timeline",
    response: { status: 200, description: "案件详情 / the case", schema: answer("CaseDetail") },
  },
  {
    method: "POST",
    path: "/v1/cases/:id/reassign",
    action: "cases.reassign",
    roles: ["agent"],
    body: "tongguan:canonical/reassign-command",
    summary: "改派：转交另一承办单位，原任务撤回 / forward to another unit",
    response: { status: 200, description: "已改派 / reassigned", schema: answer("CaseAck") },
  },
  {
    method: "POST",
    path: "/v1/cases/:id/adjudicate",
    action: "cases.adjudicate",
    roles: ["agent"],
    body: "tongguan:canonical/adjudicate-command",
    summary: "派单审定：多个单位退回的案件，由中心审定承办单位并说明依据 / the centre decides the owner of a case several units refused",
    response: { status: 200, description: "已审定派单 / dispatched to the adjudicated unit", schema: answer("CaseAck") },
  },
  {
    method: "POST",
    path: "/v1/cases/:id/unmerge",
    action: "cases.unmerge",
    roles: ["engineer"],
    body: "tongguan:canonical/unmerge-command",
    summary: "撤销并案：该案件不再随主案办理，按规则单独派单 / undo a merge; the case is routed on its own",
    response: { status: 200, description: "已撤销并案 / unmerged", schema: answer("CaseAck") },
  },
  {
    method: "POST",
    path: "/v1/cases/:id/return",
    action: "cases.returnCase",
    roles: ["agent"],
    body: "tongguan:canonical/return-command",
    summary: "退单：退回12345并说明理由 / return to the platform",
    response: { status: 200, description: "已退单 / returned", schema: answer("CaseAck") },
  },
  {
    method: "GET",
    path: "/v1/triage",
    action: "cases.triage",
    roles: READERS,
    summary: "待人工分拨队列（无规则匹配的案件，含超时退单时间） / triage queue",
    response: {
      status: 200,
      description: "待分拨案件，最早进入在前 / cases waiting for an agent, oldest first",
      schema: items(
        {
          allOf: [
            ref(CASE),
            {
              type: "object",
              properties: {
                triageSince: { type: ["string", "null"], format: "date-time", description: "进入待分拨的时间" },
                returnAt: { type: ["string", "null"], format: "date-time", description: "届时仍未分拨将自动退单" },
              },
            },
          ],
        },
        { total: { type: "integer" } },
      ),
    },
  },
  {
    method: "POST",
    path: "/v1/triage/:id/assign",
    action: "cases.assign",
    roles: ["agent"],
    body: "tongguan:canonical/assign-command",
    summary: "人工派单：为待分拨案件指定承办单位 / assign a triage case",
    response: { status: 200, description: "已派单 / dispatched", schema: answer("CaseAck") },
  },
  {
    method: "GET",
    path: "/v1/units",
    action: "routing.units",
    roles: READERS,
    summary: "承办单位清单 / handling units",
    response: {
      status: 200,
      description: "各城市的承办单位 / the units of every city",
      schema: items({
        type: "object",
        properties: {
          unitId: { type: "string" },
          unitName: { type: "string" },
          kind: { type: "string", examples: ["street", "district", "city"] },
          cityCode: { type: "string" },
          cityName: { type: "string" },
          districtCode: { type: ["string", "null"] },
          districtName: { type: ["string", "null"] },
          streetName: { type: ["string", "null"] },
        },
        examples: [{ unitId: "CZ-ZL-CGJ", unitName: "钟楼区城市管理局", kind: "district", cityCode: "320400", cityName: "常州市", districtCode: "320404", districtName: "钟楼区", streetName: null }],
      }),
    },
  },
  {
    method: "GET",
    path: "/v1/routing/catalogue",
    action: "routing.catalogue",
    roles: READERS,
    summary: "派单目录：每个事项的依据、关键词和承办链 / the dispatch catalogue with basis and owner chains",
    query: query({ city: text("城市", "城市代码（如 3204）或目录名（如 changzhou）", 20) }),
    response: {
      status: 200,
      description: "派单目录事项 / catalogue items",
      schema: items({
        type: "object",
        required: ["cityCode", "code", "path", "owners"],
        properties: {
          cityCode: { type: "string" },
          code: { type: "string" },
          path: { type: "array", items: { type: "string" } },
          dispatchable: { type: "boolean" },
          basis: { type: ["object", "null"] },
          keywords: { type: "array", items: { type: "string" } },
          owners: { type: "array", items: { type: "object" } },
        },
      }),
    },
  },
  {
    method: "GET",
    path: "/v1/routing/unmapped",
    action: "routing.unmapped",
    roles: ["engineer"],
    summary: "未映射的平台分类：库中出现过、但对应不到可派单事项的诉求分类及件数 / category paths seen in the store that map to no dispatchable item",
    query: query({ city: text("城市", "城市代码，如 3204", 20), system: text("来源系统", "来源系统，如 hotline12345", 32), since: time("起始时间", "只统计此时间之后受理的案件") }),
    response: {
      status: 200,
      description: "未映射分类，件数多者在前 / unmapped paths, most frequent first",
      schema: items(
        {
          type: "object",
          required: ["system", "path", "count", "via"],
          properties: {
            system: { type: "string" },
            cityCode: { type: ["string", "null"] },
            path: { type: "array", items: { type: "string" } },
            count: { type: "integer" },
            via: { type: "string", enum: ["prefix", "vague", "none", "exact", "mapping", "alias", "leaf"] },
            mappedTo: { type: ["object", "null"] },
            reason: { type: "string" },
          },
        },
        { total: { type: "integer" } },
      ),
    },
  },
  {
    method: "GET",
    path: "/v1/routing/examples",
    action: "routing.examples",
    roles: ["engineer"],
    summary: "学习样例：人工派单、改派、派单审定和退回 / labelled examples learned from people",
    query: query({ city: text("城市", "城市代码，如 3204", 20), limit: int("条数", "最多条数，默认 100", 1, 1000) }),
    response: { status: 200, description: "学习样例，最新在前 / examples, newest first", schema: items({ type: "object" }, { total: { type: "integer" } }) },
  },
  {
    method: "GET",
    path: "/v1/routing/suggestions",
    action: "routing.suggestions",
    roles: ["engineer"],
    summary: "派单数据修改建议（按派单目录事项）：同义词映射、关键词或规则，以及它们能派对的案件数 / per catalogue item, the mapping, keyword or rule that would have routed the people's cases",
    query: query({ city: text("城市", "城市代码，如 3204", 20) }),
    response: {
      status: 200,
      description: "按事项分组的建议 / suggestions by item",
      schema: items(
        {
          type: "object",
          properties: { cityCode: { type: "string" }, code: { type: "string" }, path: { type: "array", items: { type: "string" } }, suggestions: { type: "array", items: { type: "object" } } },
        },
        { total: { type: "integer" } },
      ),
    },
  },
  {
    method: "GET",
    path: "/v1/routing/suggestions/:id/file",
    action: "routing.suggestionFile",
    roles: ["engineer"],
    summary: "采纳建议后的完整数据文件（提交到城市数据目录） / the whole changed data file, to commit",
    response: {
      status: 200,
      description: "文件路径和内容 / the file",
      schema: { type: "object", required: ["file", "content"], properties: { id: { type: "string" }, file: { type: "string" }, content: { type: "object" } } },
    },
  },
  {
    method: "POST",
    path: "/v1/routing/suggestions/:id/dry-run",
    action: "routing.suggestionDryRun",
    roles: ["engineer"],
    body: "tongguan:canonical/dry-run-command",
    summary: "试运行一条建议：库中案件按修改后的数据会怎样派 / dry-run one suggestion over stored cases",
    response: {
      status: 200,
      description: "建议与试运行报告 / the suggestion and its dry-run",
      schema: { type: "object", required: ["suggestion", "report"], properties: { suggestion: { type: "object" }, report: { type: "object" } } },
    },
  },
  {
    method: "POST",
    path: "/v1/routing/dry-run",
    action: "routing.dryRun",
    roles: ["engineer"],
    body: "tongguan:canonical/dry-run-command",
    summary: "规则试运行：用候选派单目录、映射和规则重放一段时间的已存案件，列出改派、转入或离开人工分拨的案件，不写任何数据 / rules dry-run",
    response: {
      status: 200,
      description: "试运行报告 / the dry-run report",
      schema: {
        type: "object",
        required: ["total", "counts", "changes", "byUnit", "byRule"],
        properties: { total: { type: "integer" }, counts: { type: "object" }, changes: { type: "array", items: { type: "object" } }, byUnit: { type: "array" }, byRule: { type: "array" } },
      },
    },
  },
  {
    method: "GET",
    path: "/v1/jobs",
    action: "schedule.runs",
    roles: ["engineer"],
    summary: "定时任务执行记录（含失败与重试，最新在前） / scheduled job runs, failures and retries included",
    query: query({
      job: text("任务", "任务名，如 deadline-sweep", 64),
      status: { title: "状态", description: "running 执行中, ok 成功, failed 失败", type: "string", enum: ["running", "ok", "failed"] },
      limit: int("条数", "最多条数，默认 50", 1, 500),
    }),
    response: {
      status: 200,
      description: "执行记录 / runs",
      schema: items(
        {
          type: "object",
          required: ["id", "job", "slot", "attempt", "status", "runAt", "node"],
          properties: {
            id: { type: "integer" },
            job: { type: "string" },
            slot: { type: "string" },
            attempt: { type: "integer" },
            status: { type: "string", enum: ["running", "ok", "failed"] },
            runAt: { type: "string", format: "date-time" },
            node: { type: "string" },
            result: { type: ["object", "null"] },
            error: { type: ["string", "null"] },
          },
        },
        { jobs: { type: "array", items: { type: "string" } } },
      ),
    },
  },
  {
    method: "POST",
    path: "/v1/jobs/:job/run",
    action: "schedule.run",
    roles: ["engineer"],
    body: "tongguan:canonical/job-run-command",
    summary: "立即执行一个定时任务（可指定执行时刻，用于补跑或测试时钟） / run a job now, or for a given time",
    response: { status: 200, description: "本次执行记录 / the run", schema: { type: ["object", "null"] } },
  },
  {
    method: "GET",
    path: "/v1/inbound",
    action: "intake.list",
    roles: ["engineer"],
    summary: "入站报文（含原文和校验结果，最新在前） / inbound messages as received",
    query: query({
      outcome: list("处理结果", "accepted 已受理, duplicate 重复, rejected 拒收, error 处理失败；可逗号分隔", INBOUND_OUTCOMES),
      system: { title: "来源系统", description: "发送方系统；api 为坐席操作，batch 为被拒的批量报文", type: "string", enum: [...ADAPTERS.map((a) => a.system), "api", "batch"] },
      caseId: text("案件编号", "案件编号"),
      since: time("起始时间", "只看此时间之后收到的报文，ISO 8601 带时区"),
      limit: int("条数", "最多条数，默认 50，最多 500", 1, 500),
    }),
    response: { status: 200, description: "入站报文 / inbound messages", schema: items(answer("InboundMessage")) },
  },
  {
    method: "GET",
    path: "/v1/inbound/:id",
    action: "intake.get",
    roles: ["engineer"],
    summary: "一条入站报文原文 / one raw inbound message",
    response: { status: 200, description: "报文原文与处理结果 / the message", schema: answer("InboundMessage") },
  },
  {
    method: "GET",
    path: "/v1/outbox",
    action: "outbox.list",
    roles: ["engineer"],
    summary: "外发消息（待发、发送中、已送达、失败） / outbound messages",
    query: query({
      status: list("发送状态", "pending 待发, inflight 发送中, sent 已送达, dead 失败；可逗号分隔", OUTBOX_STATUSES),
      limit: int("条数", "最多条数，默认 100，最多 500", 1, 500),
    }),
    response: { status: 200, description: "外发消息，最新在前 / outbound messages, newest first", schema: items(answer("OutboundMessage")) },
  },
  {
    method: "POST",
    path: "/v1/outbox/:id/retry",
    action: "outbox.retry",
    roles: ["engineer"],
    summary: "立即重发一条失败或等待中的外发消息 / resend now",
    response: {
      status: 200,
      description: "已重新排队 / queued again",
      schema: { type: "object", required: ["id", "status"], properties: { id: { type: "string" }, status: { const: "pending" } }, examples: [{ id: "OB2406110000A1B2C3", status: "pending" }] },
    },
  },
  {
    method: "GET",
    path: "/v1/flow",
    action: "gateway.flow",
    roles: ["engineer"],
    summary: "流转健康：案件状态分布、外发积压、入站拒收、熔断器状态、工作日历告警、失败的定时任务、双公示超期告警 / flow health",
    response: {
      status: 200,
      description: "流转健康；某项不可用时该项为 {unavailable} / flow health; a part that cannot be read is {unavailable}",
      schema: {
        type: "object",
        required: ["at", "cases", "outbox", "inbound", "breakers"],
        properties: {
          at: { type: "string", format: "date-time" },
          cases: { type: "object", description: "状态 → 案件数", additionalProperties: true },
          overdue: { type: ["integer", "null"], description: "超期案件数" },
          outbox: { type: "object", description: "发送状态 → {count, oldestAgeSeconds}", additionalProperties: true },
          inbound: {
            type: "object",
            properties: {
              lastHour: { type: "object", additionalProperties: { type: "integer" } },
              lastDay: { type: "object", additionalProperties: { type: "integer" } },
              lastReceivedAt: { type: ["string", "null"], format: "date-time", description: "最近一条入站报文的时间（ISO 8601）" },
            },
          },
          breakers: { type: "object", description: "各节点外发接口的熔断器", additionalProperties: true },
          calendars: { type: "object", description: "各城市工作日历覆盖的年份；下一年尚无节假日数据时 alarm 说明须补什么 / each city's working calendar and its alarm" },
          failedJobs: { type: "array", description: "最近失败的定时任务执行（含重试） / recent failed job runs", items: { type: "object" } },
          publications: {
            type: "object",
            description:
              "双公示告警：超过 7 个工作日仍未送达公共信用信息共享平台的行政处罚信息（overdue，由 notice-sweep 判定）和报送时限落入工作日历未覆盖年份的（dueUnknown）；alarm 为中文说明，items 为最早的若干条 / 双公示 records past their deadline and records whose deadline is unknown",
            properties: { overdue: { type: "integer" }, dueUnknown: { type: "integer" }, alarm: { type: ["string", "null"] }, items: { type: "array", items: { type: "object" } } },
          },
        },
      },
    },
  },
  ...ASSESSMENT_ROUTES,
  ...CREDIT_ROUTES,
];

// ---------------------------------------------------------------------------------------------
// Query checks: an ajv of its own (values arrive as text and are converted), Chinese messages.

let ajv: Ajv2020 | undefined;
const compiled = new Map<QuerySchema, ValidateFunction>();

function queryValidator(schema: QuerySchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    if (!ajv) {
      ajv = new Ajv2020({ allErrors: true, strict: true, coerceTypes: true, allowUnionTypes: true });
      addFormats(ajv);
      ajv.addKeyword({ keyword: "x-labels" });
      ajv.addKeyword({ keyword: "x-zh" });
    }
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

const names = (schema: QuerySchema) => Object.keys(schema.properties);

function queryMessage(e: ErrorObject, schema: QuerySchema, name: string, raw: unknown): { message: string; messageEn: string } {
  const p = schema.properties[name];
  const title = p ? `「${p.title}」（${name}）` : `参数 ${name}`;
  const params = e.params as Record<string, unknown>;
  const shown = Array.isArray(raw) ? raw.join(",") : String(raw ?? "");
  switch (e.keyword) {
    case "additionalProperties": {
      const known = names(schema);
      return {
        message: known.length ? `「${name}」不是此接口的查询参数；可用参数：${known.join("、")}` : `此接口不接受查询参数（收到「${name}」）`,
        messageEn: known.length ? `"${name}" is not a query parameter of this endpoint; known: ${known.join(", ")}` : `this endpoint takes no query parameters (got "${name}")`,
      };
    }
    case "enum": {
      const allowed = params.allowedValues as (string | number)[];
      const l = ((p?.items as Json | undefined)?.["x-labels"] ?? p?.["x-labels"]) as Record<string, string> | undefined;
      // a list names every value that is not allowed, not only the first
      const bad = (Array.isArray(raw) ? raw.filter((v) => !allowed.includes(v)) : [raw]).map(String);
      return {
        message: `${title}的取值${bad.map((v) => `「${v}」`).join("、")}无效；可选：${allowed.map((v) => (l?.[String(v)] ? `${v}（${l[String(v)]}）` : String(v))).join("、")}`,
        messageEn: `${bad.map((v) => `"${v}"`).join(", ")} ${bad.length > 1 ? "are" : "is"} not allowed; must be one of ${allowed.join(", ")}`,
      };
    }
    case "type": {
      const t = params.type as string;
      const zh = t === "integer" ? "整数" : t === "number" ? "数字" : t === "boolean" ? " true 或 false" : t === "array" ? "逗号分隔的列表" : "文本";
      return { message: `${title}应为${zh}，收到「${shown}」`, messageEn: `must be ${t === "boolean" ? "true or false" : `a${t === "integer" ? "n" : ""} ${t}`}, got "${shown}"` };
    }
    case "minimum":
      return { message: `${title}不能小于 ${params.limit}，收到 ${shown}`, messageEn: `must be >= ${params.limit}, got ${shown}` };
    case "maximum":
      return { message: `${title}不能大于 ${params.limit}，收到 ${shown}`, messageEn: `must be <= ${params.limit}, got ${shown}` };
    case "format":
      return {
        message: `${title}应为 ISO 8601 日期时间（含时区），如 2024-06-11T09:00:00+08:00，收到「${shown}」`,
        messageEn: `must be an ISO 8601 date-time with offset, e.g. 2024-06-11T09:00:00+08:00, got "${shown}"`,
      };
    case "minLength":
      return { message: `${title}不能为空`, messageEn: "must not be empty" };
    case "maxLength":
      return { message: `${title}不能超过 ${params.limit} 个字符`, messageEn: `must be at most ${params.limit} characters` };
    case "minItems":
      return { message: `${title}至少要有一个取值`, messageEn: "needs at least one value" };
    case "uniqueItems":
      return { message: `${title}有重复的取值`, messageEn: "has a repeated value" };
    case "pattern":
      return { message: `${title}格式不正确，收到「${shown}」`, messageEn: `does not match the pattern ${String(params.pattern)}, got "${shown}"` };
    default:
      return { message: `${title}不合法，收到「${shown}」`, messageEn: `is invalid (${e.keyword}): ${e.message ?? ""}` };
  }
}

export type QueryCheck = { ok: true; value: Record<string, string | number | boolean> } | { ok: false; errors: FieldError[] };

/**
 * Checks the query string of a request to `route`: every parameter declared, every value valid.
 * Returns the values for the action (integers and booleans converted, lists joined with commas,
 * empty values dropped), or one field error per bad parameter, pointer `/query/<name>`.
 */
const NO_QUERY = query({});

export function checkQuery(route: Pick<ApiRoute, "query">, search: URLSearchParams): QueryCheck {
  const schema = route.query ?? NO_QUERY;
  const data: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name).filter((v) => v !== "");
    if (!values.length) continue;
    const p = schema.properties[name];
    if (p?.type === "array")
      data[name] = values
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean);
    else if (values.length > 1 && p) errors.push({ pointer: `/query/${name}`, message: `「${p.title}」（${name}）只能给出一次`, messageEn: "may be given only once" });
    else data[name] = values[0];
  }
  const raw = { ...data };
  const fn = queryValidator(schema);
  if (!fn(data)) {
    const seen = new Set(errors.map((e) => e.pointer));
    for (const e of fn.errors ?? []) {
      const name = e.keyword === "additionalProperties" ? String((e.params as { additionalProperty: string }).additionalProperty) : (e.instancePath.split("/")[1] ?? "");
      const pointer = `/query/${name}`;
      if (seen.has(pointer)) continue; // one error per parameter: the first says what is wrong
      seen.add(pointer);
      errors.push({ pointer, ...queryMessage(e, schema, name, raw[name]) });
    }
  }
  if (errors.length) return { ok: false, errors };
  const value: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(data)) value[k] = Array.isArray(v) ? v.join(",") : (v as string | number | boolean);
  return { ok: true, value };
}
