/**
 * 12319 ⇄ hub mapping. Pure functions only: the 12319 ticket → canonical case draft, the line's
 * code words (紧急程度, 回访结果, 处理结果) ⇄ the hub's, sample tickets for the simulator, and the
 * wire of each outbound command (签收 accept, 退单 back, 延期 delay, 回复 feedback, 时限通报 warn). The lifecycle
 * itself (routes and builders) is the one every hotline line shares: kit/hotline.ts.
 */
import type { AppealType, CaseDraft, Outcome, Ticket12319, Urgency, Visit12319 } from "../../contracts/types";
import { addressOf, NO_CATEGORY, titleFrom, type Satisfaction, type TicketNeeds } from "../../kit/hotline";

export const SYSTEM = "line12319" as const;

/** The contract ids of this adapter's messages. */
export const SCHEMA = {
  ticket: "tongguan:line12319/ticket",
  visit: "tongguan:line12319/visit",
  supervise: "tongguan:line12319/supervise",
  accept: "tongguan:line12319/accept",
  back: "tongguan:line12319/back",
  delay: "tongguan:line12319/delay",
  feedback: "tongguan:line12319/feedback",
  warn: "tongguan:line12319/warn",
} as const;

/** Where 12319 takes its tickets and their steps: /tickets, /tickets/{ticketNo}/<action>. */
export const TICKET_PATH = "/tickets";

/** What the hub cannot work without, beyond the contract's required fields. */
export const TICKET_NEEDS: TicketNeeds = [
  { fields: ["problemDesc", "subject"], zh: "问题描述和摘要至少填写一项", en: "a problemDesc or a subject is needed" },
  {
    fields: ["eventAddress", "gridCode", "lng", "areaCode", "districtName", "streetName", "communityName"],
    zh: "至少需要一项位置信息：事发地址、网格编码、经纬度或区、街道、社区名称",
    en: "some location is needed: eventAddress, gridCode, lng/lat, areaCode or a district, street or community name",
  },
];

/** 紧急程度: the line's words → the hub's. */
export const URGENCY: Record<NonNullable<Ticket12319["urgentLevel"]>, Urgency> = { 普通: "一般", 加急: "较急", 特急: "紧急" };

/** 回访结果 → 满意度 (0 不满意 reopens, 1–3 archive). */
export const SATISFACTION: Record<Visit12319["visitResult"], Satisfaction> = { 不满意: 0, 基本满意: 1, 满意: 2, 非常满意: 3 };

/** 办理结果 (the hub's outcome code) → 处理结果 (the line's words). */
export const HANDLE_RESULT: Record<Outcome, "已解决" | "未解决" | "部分解决" | "不予办理"> = { 0: "已解决", 1: "未解决", 2: "部分解决", 3: "不予办理" };

/** What a ticket without 工单类型 is: most 12319 calls are complaints. */
export const DEFAULT_APPEAL_TYPE: AppealType = "投诉";

const HOUR_MS = 3600_000;
const after = (iso: string, hours: number | undefined) => (hours === undefined ? null : new Date(Date.parse(iso) + hours * HOUR_MS).toISOString());

/**
 * 12319 工单 → the canonical case draft. A missing summary is the description's first sentence
 * (and a missing description the summary), a missing address the area names (or the grid code,
 * or the coordinates), a missing caller an anonymous one, a missing 工单类型 投诉, a missing
 * 紧急程度 普通 (一般); the limits in hours become deadlines from the acceptance time. The district
 * code, when absent, is derived by routing from the grid code or the names.
 */
export function toCaseDraft(t: Ticket12319): CaseDraft {
  const location: CaseDraft["location"] = {
    address: addressOf({ address: t.eventAddress, names: [t.cityName, t.districtName, t.streetName, t.communityName], gridCode: t.gridCode, lng: t.lng, lat: t.lat }),
  };
  if (t.cityName) location.city = t.cityName;
  if (t.districtName) location.district = t.districtName;
  if (t.areaCode) location.districtCode = t.areaCode;
  if (t.streetName) location.street = t.streetName;
  if (t.communityName) location.community = t.communityName;
  if (t.gridCode) location.gridCode = t.gridCode;
  if (t.lng !== undefined && t.lat !== undefined) {
    location.lng = t.lng;
    location.lat = t.lat;
  }
  const reporter: CaseDraft["reporter"] = { confidential: t.keepSecret ?? false };
  if (t.callerName) reporter.name = t.callerName;
  if (t.callerPhone) reporter.phone = t.callerPhone;
  const content = t.problemDesc ?? t.subject!;
  return {
    origin: { system: SYSTEM, externalId: t.ticketNo, ...(t.source ? { channel: t.source } : {}) },
    appealType: t.ticketType ?? DEFAULT_APPEAL_TYPE,
    category: { path: t.problemType?.length ? [...t.problemType] : [...NO_CATEGORY], code: null },
    title: t.subject ?? titleFrom(content),
    content,
    location,
    reporter,
    urgency: t.urgentLevel ? URGENCY[t.urgentLevel] : "一般",
    receivedAt: t.acceptTime,
    signDeadline: after(t.acceptTime, t.signLimit),
    handleDeadline: after(t.acceptTime, t.timeLimit),
  };
}

/** The 12319 wire of each origin command: its path action and wire name → canonical field. */
export const WIRE = {
  sign: { action: "accept", fields: { signDept: "unitName", signTime: "signedAt" } },
  return: { action: "back", fields: { backReason: "reason", backTime: "returnedAt" } },
  extension: { action: "delay", fields: { delayTo: "until", delayReason: "reason", applyDept: "unitName", applyTime: "requestedAt" } },
  reply: {
    action: "feedback",
    fields: { handleResult: { from: "outcome", map: (o: Outcome) => HANDLE_RESULT[o] }, feedbackContent: "text", handleDept: "unitName", feedbackTime: "repliedAt" },
  },
  overdue: {
    action: "warn",
    fields: {
      warnType: "level",
      limitType: { from: "deadlineKind", map: (k: "sign" | "handle") => LIMIT_TYPE[k] },
      limitTime: "deadline",
      overtime: { from: "overdue", map: (o: boolean) => (o ? "是" : "否") },
      handleDept: "unitName",
      superviseDept: "supervisorName",
      warnContent: "text",
      warnTime: "notifiedAt",
    },
  },
} as const;

/** 12319's words for the deadlines (超时提醒 limitType): 签收 sign-for, 处理 handling. */
export const LIMIT_TYPE = { sign: "签收", handle: "处理" } as const;

// ---------------------------------------------------------------------------------------------
// Sample tickets (the simulator's demo dispatch). Invented; the categories are the ones the
// 12319 line sends most (DOMAIN §2.5: 夜间施工噪音, 占道经营, 暴露垃圾, 违法建设, 窨井盖缺失).

/** One sample: a ticket without number and times; `dispatchable` gives it both. */
export type SampleTicket = Omit<Ticket12319, "ticketNo" | "acceptTime">;

export const SAMPLE_TICKETS: readonly SampleTicket[] = [
  {
    source: "热线电话",
    ticketType: "求助",
    problemType: ["市政设施", "窨井盖"],
    subject: "非机动车道窨井盖破损下陷",
    problemDesc: "来电人反映延陵中路与南大街路口西侧非机动车道一处窨井盖破损下陷，夜间骑车易摔倒，请求尽快更换。",
    eventAddress: "常州市钟楼区延陵中路与南大街路口西约50米非机动车道",
    cityName: "常州市",
    districtName: "钟楼区",
    streetName: "南大街街道",
    gridCode: "32040400100302",
    lng: 119.9552,
    lat: 31.7786,
    callerName: "李先生",
    callerPhone: "138****5521",
    urgentLevel: "加急",
    signLimit: 2,
    timeLimit: 48,
  },
  {
    source: "热线电话",
    ticketType: "投诉",
    problemType: ["建筑施工", "夜间施工噪音"],
    problemDesc: "来电人称龙虎塘街道某在建工地每晚22点后仍在打桩，噪音扰民，要求核查夜间施工许可。",
    eventAddress: "常州市新北区龙虎塘街道(模拟)某在建工地",
    cityName: "常州市",
    districtName: "新北区",
    streetName: "龙虎塘街道",
    callerName: "匿名",
    keepSecret: true,
    timeLimit: 72,
  },
  {
    source: "监督员上报",
    ticketType: "投诉",
    problemType: ["市容环境", "占道经营"],
    problemDesc: "监督员巡查发现茶山街道某菜场东侧人行道流动摊点占道经营。",
    districtName: "天宁区",
    streetName: "茶山街道",
    gridCode: "32040200400105",
    timeLimit: 24,
  },
  {
    source: "微信",
    problemType: ["环境卫生", "暴露垃圾"],
    subject: "小区门口垃圾堆放两天无人清运",
    eventAddress: "常州市武进区湖塘镇(模拟)某小区北门",
    districtName: "武进区",
    streetName: "湖塘镇",
    callerName: "王女士",
    callerPhone: "139****0216",
    urgentLevel: "普通",
    timeLimit: 48,
  },
  {
    source: "热线电话",
    ticketType: "举报",
    problemType: ["城市规划", "违法建设"],
    problemDesc: "举报人称顺河街道某小区顶楼住户正在搭建彩钢棚。",
    cityName: "宿迁市",
    districtName: "宿豫区",
    streetName: "顺河街道",
    callerName: "匿名",
    keepSecret: true,
    timeLimit: 120,
  },
];

/** The 12319 line's category paths (问题类别, two levels), for a city's mapping file; the samples use five of them. */
export const CATEGORY_PATHS: readonly string[][] = [
  ["市政设施", "窨井盖"],
  ["市政设施", "路灯"],
  ["市政设施", "道路破损"],
  ["市政设施", "排水设施"],
  ["建筑施工", "夜间施工噪音"],
  ["建筑施工", "渣土撒漏"],
  ["市容环境", "占道经营"],
  ["市容环境", "乱张贴"],
  ["环境卫生", "暴露垃圾"],
  ["城市规划", "违法建设"],
  ["园林绿化", "树木修剪"],
  ["物业管理", "物业服务"],
  ["燃气供应", "燃气设施"],
];

/** A sample made a ticket: number `<prefix>-yyyyMMdd-<seq 4 digits>` (of `now` in +08:00), accepted at `now`. */
export function dispatchable(sample: SampleTicket, seq: number, now: Date, prefix = "SIM12319"): Ticket12319 {
  const cst = new Date(now.getTime() + 8 * HOUR_MS).toISOString();
  const day = cst.slice(0, 10).replaceAll("-", "");
  return { ticketNo: `${prefix}-${day}-${String(seq % 10_000).padStart(4, "0")}`, acceptTime: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(), ...sample };
}
