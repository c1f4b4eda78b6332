/**
 * The hub's own API for people (hotline agents, integration engineers), as data: the gateway
 * builds its aliases and its authorisation from this table, and the OpenAPI document its paths.
 * Adapter routes (what external systems call) come from the adapter specs instead.
 */
export interface ApiRoute {
  method: "GET" | "POST";
  path: string;
  action: string;
  /** who may call it; "*" = any valid key */
  roles: string[];
  summary: string;
  /** contract $id of the JSON body, if any */
  body?: string;
  query?: { name: string; description: string }[];
}

const READERS = ["agent", "engineer"];

export const API: ApiRoute[] = [
  { method: "GET", path: "/v1/me", action: "gateway.me", roles: ["*"], summary: "当前密钥的角色（任何有效密钥） / the caller's role" },
  {
    method: "GET",
    path: "/v1/cases",
    action: "cases.list",
    roles: READERS,
    summary: "案件列表（按状态、承办单位、来源、受理时间筛选，分页） / list cases",
    query: [
      { name: "status", description: "状态，可逗号分隔 RECEIVED,TRIAGE,DISPATCHED,IN_PROGRESS,REPLIED,ARCHIVED,RETURNED" },
      { name: "owner", description: "承办单位编号 unit id" },
      { name: "origin", description: "来源系统 hotline12345 …" },
      { name: "from", description: "受理时间起 ISO 8601" },
      { name: "to", description: "受理时间止 ISO 8601" },
      { name: "page", description: "页码，从 1 开始" },
      { name: "pageSize", description: "每页条数，最多 200" },
      { name: "overdue", description: "true：只看超过办理时限仍未回复的案件（超期）" },
    ],
  },
  { method: "GET", path: "/v1/cases/:id", action: "cases.get", roles: READERS, summary: "案件详情，含流转记录、任务和外发消息 / a case with its timeline" },
  { method: "POST", path: "/v1/cases/:id/reassign", action: "cases.reassign", roles: ["agent"], body: "tongguan:canonical/reassign-command", summary: "改派：转交另一承办单位，原任务撤回 / forward to another unit" },
  { method: "POST", path: "/v1/cases/:id/return", action: "cases.returnCase", roles: ["agent"], body: "tongguan:canonical/return-command", summary: "退单：退回12345并说明理由 / return to the platform" },
  { method: "GET", path: "/v1/triage", action: "cases.triage", roles: READERS, summary: "待人工分拨队列（无规则匹配的案件，含超时退单时间） / triage queue" },
  { method: "POST", path: "/v1/triage/:id/assign", action: "cases.assign", roles: ["agent"], body: "tongguan:canonical/assign-command", summary: "人工派单：为待分拨案件指定承办单位 / assign a triage case" },
  { method: "GET", path: "/v1/units", action: "routing.units", roles: READERS, summary: "承办单位清单 / handling units" },
  {
    method: "GET",
    path: "/v1/inbound",
    action: "intake.list",
    roles: ["engineer"],
    summary: "入站报文（含原文和校验结果，最新在前） / inbound messages as received",
    query: [
      { name: "outcome", description: "accepted,duplicate,rejected,error" },
      { name: "system", description: "hotline12345, unit …" },
      { name: "caseId", description: "案件编号" },
      { name: "limit", description: "最多条数，默认 50" },
    ],
  },
  { method: "GET", path: "/v1/inbound/:id", action: "intake.get", roles: ["engineer"], summary: "一条入站报文原文 / one raw inbound message" },
  {
    method: "GET",
    path: "/v1/outbox",
    action: "cases.outboxList",
    roles: ["engineer"],
    summary: "外发消息（待发、发送中、已送达、失败） / outbound messages",
    query: [{ name: "status", description: "pending,inflight,sent,dead" }],
  },
  { method: "POST", path: "/v1/outbox/:id/retry", action: "cases.outboxRetry", roles: ["engineer"], summary: "立即重发一条失败或等待中的外发消息 / resend now" },
  { method: "GET", path: "/v1/flow", action: "gateway.flow", roles: ["engineer"], summary: "流转健康：案件状态分布、外发积压、入站拒收、熔断器状态 / flow health" },
];
