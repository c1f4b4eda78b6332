/**
 * 12345 ⇄ hub mapping. Pure functions only (no I/O, no clock unless given one): the 12345
 * work order → canonical case draft, the Chinese-keyed sample file → the API's work order, a
 * generator of plausible orders for the simulator, and the hub's outbound command payloads →
 * requests to the 12345 platform (sign 签收, return 退单, extension 延期, reply 回复/办结, overdue
 * 时限通报).
 */
import { labels } from "../../contracts";
import { addressOf, NO_CATEGORY, titleFrom, wireRequest, type Post } from "../../kit/hotline";
import type {
  AppealType,
  CaseDraft,
  Extension12345,
  OriginExtension,
  OriginOverdue,
  OriginReply,
  OriginReturn,
  OriginSign,
  Outcome,
  Overdue12345,
  Reply12345,
  Return12345,
  Sign12345,
  Urgency,
  WorkOrder12345,
} from "../../contracts/types";

/** The contract ids of this adapter's messages. */
export const SCHEMA = {
  workOrder: "tongguan:hotline12345/work-order",
  callback: "tongguan:hotline12345/callback",
  urge: "tongguan:hotline12345/urge",
  sign: "tongguan:hotline12345/sign",
  return: "tongguan:hotline12345/return",
  extension: "tongguan:hotline12345/extension",
  reply: "tongguan:hotline12345/reply",
  overdue: "tongguan:hotline12345/overdue",
} as const;

export const SYSTEM = "hotline12345" as const;

// ---------------------------------------------------------------------------------------------
// Inbound: work order → case draft

/** What an order without a category is filed under until routing (or a person) decides (kit/hotline). */
export { NO_CATEGORY };

/**
 * 12345 派单工单 → the canonical case draft (the hub fills category.code from its taxonomy).
 * Real orders leave fields out: a missing title is the content's first line, missing content the
 * title, a missing address the region's names (or the grid code), a missing caller an anonymous
 * one, missing urgency 一般, missing deadlines none; the district code, when absent, is derived
 * by routing from the grid code or the names.
 */
export function toCaseDraft(order: WorkOrder12345): CaseDraft {
  const region = order.region ?? {};
  const address = addressOf({
    address: order.address,
    names: [region.city, region.district, region.street, region.community],
    gridCode: order.gridCode,
    lng: order.location?.lng,
    lat: order.location?.lat,
  });
  const location: CaseDraft["location"] = { address };
  if (region.city) location.city = region.city;
  if (region.district) location.district = region.district;
  if (region.districtCode) location.districtCode = region.districtCode;
  if (region.street) location.street = region.street;
  if (region.community) location.community = region.community;
  if (order.gridCode) location.gridCode = order.gridCode;
  if (order.location) {
    location.lng = order.location.lng;
    location.lat = order.location.lat;
  }
  const caller = order.caller ?? {};
  const reporter: CaseDraft["reporter"] = { confidential: caller.confidential ?? false };
  if (caller.name) reporter.name = caller.name;
  if (caller.phone) reporter.phone = caller.phone;
  const content = order.content ?? order.title!;
  const title = order.title ?? titleFrom(content);
  return {
    origin: { system: SYSTEM, externalId: order.orderNo, ...(order.channel ? { channel: order.channel } : {}) },
    appealType: order.appealType,
    category: { path: order.category?.length ? [...order.category] : [...NO_CATEGORY], code: null },
    title,
    content,
    location,
    reporter,
    urgency: order.urgency ?? "一般",
    receivedAt: order.receivedAt,
    signDeadline: order.signDeadline ?? null,
    handleDeadline: order.handleDeadline ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Time helpers (China Standard Time, no daylight saving)

const CST_OFFSET_MS = 8 * 3600_000;

/** A Date as ISO 8601 in +08:00, as the 12345 platform writes times: 2024-06-11T08:42:10+08:00. */
export function toCst(d: Date): string {
  const s = new Date(d.getTime() + CST_OFFSET_MS).toISOString();
  return (s.endsWith(".000Z") ? s.slice(0, -5) : s.slice(0, -1)) + "+08:00";
}

/** Calendar parts of a Date in +08:00. */
function cstParts(d: Date): { y: number; m: number; day: number } {
  const t = new Date(d.getTime() + CST_OFFSET_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** 17:30 (end of the working day) `days` calendar days after `d`, in +08:00. */
function endOfDayAfter(d: Date, days: number): string {
  const { y, m, day } = cstParts(new Date(d.getTime() + days * 86_400_000));
  return `${y}-${pad(m, 2)}-${pad(day, 2)}T17:30:00+08:00`;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

function shift(iso: string, deltaMs: number): string {
  return toCst(new Date(Date.parse(iso) + deltaMs));
}

// ---------------------------------------------------------------------------------------------
// The Chinese-keyed sample file (shared/samples/work-orders.sample.json)

/** One work order as the sample file writes it: the platform's Chinese field names. */
export interface WorkOrderSample {
  工单编号: string;
  受理时间: string;
  受理渠道: string;
  诉求类型: string;
  诉求分类: string[];
  标题: string;
  诉求内容: string;
  事发地址: string;
  区域: { 市?: string; 区县?: string; 街道?: string; 社区?: string; 区划代码?: string };
  单元网格编码?: string;
  坐标?: { lng: number; lat: number; crs?: string };
  来电人?: string;
  联系电话?: string;
  是否保密?: boolean;
  紧急程度: string;
  签收时限: string;
  办理时限: string;
  /** the samples carry more (承办单位, 流转记录, 数字城管映射 …): not part of a dispatch */
  [key: string]: unknown;
}

/**
 * Sample (Chinese keys) → the API's work order (English keys). The samples carry no district
 * code: it is the grid code's first 6 digits (CJ/T 213). An empty phone is omitted. With `now`,
 * receivedAt becomes `now` and both deadlines move by the same amount, so demo deadlines lie in
 * the future. Not validated here: validate the result against `tongguan:hotline12345/work-order`.
 */
export function fromSample(sample: WorkOrderSample, now?: Date): WorkOrder12345 {
  const r = sample.区域 ?? {};
  const grid = sample.单元网格编码?.trim() || undefined;
  const districtCode = r.区划代码?.trim() || grid?.slice(0, 6);
  if (!districtCode) {
    throw new Error(`样例工单 ${sample.工单编号} 既无区划代码也无单元网格编码 / sample has neither a district code nor a grid code`);
  }
  const region: WorkOrder12345["region"] = { districtCode };
  if (r.市) region.city = r.市;
  if (r.区县) region.district = r.区县;
  if (r.街道) region.street = r.街道;
  if (r.社区) region.community = r.社区;

  const caller: WorkOrder12345["caller"] = { name: sample.来电人?.trim() || "匿名", confidential: sample.是否保密 === true };
  const phone = sample.联系电话?.trim();
  if (phone) caller.phone = phone;

  let { 受理时间: receivedAt, 签收时限: signDeadline, 办理时限: handleDeadline } = sample;
  if (now) {
    const delta = now.getTime() - Date.parse(receivedAt);
    receivedAt = toCst(now);
    signDeadline = shift(signDeadline, delta);
    handleDeadline = shift(handleDeadline, delta);
  }

  const order: WorkOrder12345 = {
    orderNo: sample.工单编号,
    receivedAt,
    channel: sample.受理渠道,
    appealType: sample.诉求类型 as AppealType,
    category: [...sample.诉求分类],
    title: sample.标题,
    content: sample.诉求内容,
    address: sample.事发地址,
    region,
    caller,
    urgency: sample.紧急程度 as Urgency,
    signDeadline,
    handleDeadline,
  };
  if (grid) order.gridCode = grid;
  if (sample.坐标) order.location = { lng: sample.坐标.lng, lat: sample.坐标.lat };
  return order;
}

// ---------------------------------------------------------------------------------------------
// Generated orders (the simulator's steady stream). Everything here is invented.

interface Area {
  prefix: "CZ" | "SQ";
  city: "常州市" | "宿迁市";
  district: string;
  districtCode: string;
  street: string;
  /** 3 digits: 001–099 街道, 100–199 镇 */
  streetCode: string;
  lng: number;
  lat: number;
}

/** Areas of the samples plus a few more in 常州 and 宿迁 (street codes invented). */
export const AREAS: readonly Area[] = [
  { prefix: "CZ", city: "常州市", district: "钟楼区", districtCode: "320404", street: "南大街街道", streetCode: "001", lng: 119.956, lat: 31.779 },
  { prefix: "CZ", city: "常州市", district: "钟楼区", districtCode: "320404", street: "五星街道", streetCode: "004", lng: 119.935, lat: 31.772 },
  { prefix: "CZ", city: "常州市", district: "新北区", districtCode: "320411", street: "龙虎塘街道", streetCode: "003", lng: 119.972, lat: 31.83 },
  { prefix: "CZ", city: "常州市", district: "新北区", districtCode: "320411", street: "三井街道", streetCode: "002", lng: 119.96, lat: 31.81 },
  { prefix: "CZ", city: "常州市", district: "天宁区", districtCode: "320402", street: "茶山街道", streetCode: "004", lng: 120.0, lat: 31.785 },
  { prefix: "CZ", city: "常州市", district: "天宁区", districtCode: "320402", street: "青龙街道", streetCode: "005", lng: 119.99, lat: 31.81 },
  { prefix: "CZ", city: "常州市", district: "武进区", districtCode: "320412", street: "西湖街道", streetCode: "003", lng: 119.94, lat: 31.72 },
  { prefix: "CZ", city: "常州市", district: "武进区", districtCode: "320412", street: "湖塘镇", streetCode: "101", lng: 119.95, lat: 31.7 },
  { prefix: "CZ", city: "常州市", district: "金坛区", districtCode: "320413", street: "东城街道", streetCode: "001", lng: 119.58, lat: 31.74 },
  { prefix: "CZ", city: "常州市", district: "溧阳市", districtCode: "320481", street: "昆仑街道", streetCode: "003", lng: 119.48, lat: 31.42 },
  { prefix: "SQ", city: "宿迁市", district: "宿豫区", districtCode: "321311", street: "顺河街道", streetCode: "001", lng: 118.33, lat: 33.95 },
  { prefix: "SQ", city: "宿迁市", district: "宿城区", districtCode: "321302", street: "古城街道", streetCode: "004", lng: 118.3, lat: 33.97 },
  { prefix: "SQ", city: "宿迁市", district: "宿城区", districtCode: "321302", street: "幸福街道", streetCode: "001", lng: 118.29, lat: 33.95 },
  { prefix: "SQ", city: "宿迁市", district: "沭阳县", districtCode: "321322", street: "沭城街道", streetCode: "001", lng: 118.77, lat: 34.12 },
];

interface Topic {
  appealType: AppealType;
  category: string[];
  urgency: Urgency;
  /** where it happens, after "{city}{district}{street}" */
  place: string;
  title: string;
  content: string;
}

/** Common 12345 topics: the samples' categories plus frequent ones. `{街道}` / `{社区}` are filled in. */
export const TOPICS: readonly Topic[] = [
  {
    appealType: "投诉",
    category: ["城乡建设", "市容管理", "占道经营"],
    urgency: "一般",
    place: "(模拟)某菜场东侧人行道",
    title: "{街道}菜场门口流动摊点占道经营",
    content: "来电人反映每天早上{街道}某菜场门口人行道上有多个流动摊点占道经营，行人只能走机动车道，存在安全隐患，要求城管部门处理。",
  },
  {
    appealType: "投诉",
    category: ["城乡建设", "建筑垃圾", "渣土撒漏"],
    urgency: "较急",
    place: "(模拟)某工地出入口道路",
    title: "夜间渣土车沿路撒漏",
    content: "来电人称凌晨有多辆渣土车从{街道}某工地驶出，沿路撒漏泥土，早晨骑电动车打滑，要求清理路面并查处运输企业。",
  },
  {
    appealType: "投诉",
    category: ["城乡建设", "环境卫生", "垃圾清运"],
    urgency: "一般",
    place: "(模拟)某小区西门垃圾房",
    title: "小区垃圾房两天未清运",
    content: "{社区}某小区垃圾房连续两天未清运，垃圾桶满溢，气味很大，要求环卫及时清运并消杀。",
  },
  {
    appealType: "投诉",
    category: ["城乡建设", "物业管理", "物业服务"],
    urgency: "较急",
    place: "(模拟)某花园小区5幢",
    title: "高层住宅电梯停运物业不维修",
    content: "来电人称{社区}某小区5幢电梯已停运三天，物业迟迟不维修，家中有老人无法下楼，要求督促物业公司尽快维修。",
  },
  {
    appealType: "举报",
    category: ["交通运输", "道路交通秩序", "占用消防通道"],
    urgency: "较急",
    place: "(模拟)某小区2号楼东侧消防通道",
    title: "私家车长期占用小区消防通道",
    content: "举报人称{社区}某小区消防通道长期停放私家车，消防车无法通行，要求交警或消防部门处理。",
  },
  {
    appealType: "求助",
    category: ["城乡建设", "市政设施", "路灯不亮"],
    urgency: "较急",
    place: "(模拟)某路段",
    title: "道路一段路灯不亮",
    content: "来电人称{街道}某路段约200米路灯连续两晚不亮，路面很黑，行人和电动车容易出事，请尽快维修。",
  },
  {
    appealType: "咨询",
    category: ["城乡建设", "物业管理", "物业收费"],
    urgency: "一般",
    place: "(模拟)某小区",
    title: "咨询物业费调价是否需业主大会同意",
    content: "来电人称小区物业公司张贴通知拟上调物业费，咨询是否需要业主大会表决、住建部门是否备案。",
  },
  {
    appealType: "求助",
    category: ["城乡建设", "排水防涝", "道路积水"],
    urgency: "紧急",
    place: "(模拟)某下穿通道",
    title: "暴雨后下穿通道积水严重",
    content: "来电人称暴雨后{街道}某下穿通道积水较深，有车辆熄火，请求排水部门立即抽排并设置警示。",
  },
  {
    appealType: "投诉",
    category: ["城乡建设", "施工管理", "夜间施工噪音"],
    urgency: "较急",
    place: "(模拟)某在建工地",
    title: "工地夜间施工噪音扰民",
    content: "来电人称{社区}附近某工地每晚22点后仍在打桩施工，噪音很大影响休息，要求核查是否办理夜间施工许可并制止。",
  },
  {
    appealType: "投诉",
    category: ["生态环境", "餐饮油烟"],
    urgency: "一般",
    place: "(模拟)某沿街饭店",
    title: "沿街饭店油烟直排扰民",
    content: "来电人称楼下某饭店油烟未经净化直排，油烟飘进住户家中，要求环保部门查处。",
  },
  {
    appealType: "求助",
    category: ["城乡建设", "市政设施", "窨井盖缺失"],
    urgency: "紧急",
    place: "(模拟)某路口非机动车道",
    title: "路口非机动车道井盖缺失",
    content: "来电人称{街道}某路口非机动车道上一处井盖缺失，夜间极易发生危险，请求立即设置警示并补装。",
  },
  {
    appealType: "求助",
    category: ["公用事业", "供水", "停水"],
    urgency: "较急",
    place: "(模拟)某小区",
    title: "小区无通知停水",
    content: "来电人称{社区}某小区从早上起停水，事先没有任何通知，家中有老人小孩生活不便，询问何时恢复供水。",
  },
  {
    appealType: "建议",
    category: ["交通运输", "公共交通", "公交线路"],
    urgency: "一般",
    place: "(模拟)某公交站",
    title: "建议增开通往新小区的公交线路",
    content: "来电人建议在{街道}新建小区附近增设公交站点或调整线路，方便居民早晚通勤。",
  },
  {
    appealType: "咨询",
    category: ["医疗保障", "医疗保险", "异地就医备案"],
    urgency: "一般",
    place: "(模拟)",
    title: "咨询异地就医备案办理方式",
    content: "来电人咨询长期在外地居住的退休人员如何办理医保异地就医备案，能否线上办理。",
  },
  {
    appealType: "投诉",
    category: ["劳动和社会保障", "劳动关系", "拖欠工资"],
    urgency: "一般",
    place: "(模拟)某装修公司",
    title: "装修公司拖欠工资两个月",
    content: "来电人称在{街道}某装修公司务工，公司已拖欠两个月工资，多次讨要未果，要求劳动监察部门协调。",
  },
  {
    appealType: "投诉",
    category: ["城乡建设", "市容管理", "共享单车停放"],
    urgency: "一般",
    place: "(模拟)某地铁站出入口",
    title: "地铁站口共享单车乱停放",
    content: "来电人称{街道}某站出入口共享单车大量乱停，堵塞盲道和通道，要求运营企业及时清理。",
  },
  {
    appealType: "举报",
    category: ["城乡建设", "市容管理", "违法建设"],
    urgency: "一般",
    place: "(模拟)某小区顶楼",
    title: "小区顶楼住户违规搭建阳光房",
    content: "举报人称{社区}某小区顶楼住户正在搭建阳光房，占用公共屋面，要求查处。",
  },
  {
    appealType: "求助",
    category: ["城乡建设", "园林绿化", "树木修剪"],
    urgency: "一般",
    place: "(模拟)某小区南侧绿化带",
    title: "行道树枝叶遮挡住户采光",
    content: "来电人称{社区}南侧绿化带树木枝叶过长，遮挡低层住户采光且靠近电线，请求修剪。",
  },
  {
    appealType: "求助",
    category: ["公用事业", "供电", "停电"],
    urgency: "较急",
    place: "(模拟)某小区3幢",
    title: "小区整栋楼无通知停电",
    content: "来电人称{社区}某小区3幢从下午起整栋楼停电，事先未见停电通知，家中冰箱食物面临变质，请求供电公司尽快抢修。",
  },
  {
    appealType: "咨询",
    category: ["教育", "招生入学", "义务教育入学"],
    urgency: "一般",
    place: "(模拟)",
    title: "咨询孩子小学入学所属学区",
    content: "来电人咨询其在{街道}购买的二手房对应哪所小学的施教区，孩子明年入学需准备哪些材料、何时网上报名。",
  },
  {
    appealType: "投诉",
    category: ["卫生健康", "医疗服务", "服务态度"],
    urgency: "一般",
    place: "(模拟)某社区卫生服务站",
    title: "社区卫生服务站医生服务态度差",
    content: "来电人称在{社区}卫生服务站就诊时医生态度冷淡、未询问病情即开药，要求卫生健康部门调查处理。",
  },
  {
    appealType: "咨询",
    category: ["劳动和社会保障", "社会保险", "养老保险"],
    urgency: "一般",
    place: "(模拟)",
    title: "咨询灵活就业人员养老保险缴费",
    content: "来电人咨询灵活就业人员如何在本市缴纳企业职工基本养老保险、缴费基数如何选择、能否补缴。",
  },
  // The one deliberate triage topic: no rule in cities/*/rules.json owns 其他/其他诉求 (a matter
  // outside the city's remit), so these orders go to the hub's triage queue (人工分拨) and the demo
  // shows it. Topics are picked uniformly, so this is 1 in TOPICS.length of the stream (~4 %).
  // domain/routing.test.ts checks that every other topic is routed in every district.
  {
    appealType: "咨询",
    category: ["其他", "其他诉求"],
    urgency: "一般",
    place: "(模拟)",
    title: "咨询外省老家宅基地确权事宜",
    content: "来电人咨询其户籍所在地（外省某县）老家宅基地确权登记的办理进度，该事项不属于本市管辖，需人工核实后告知来电人向当地反映。",
  },
];

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭", "何", "高", "林", "钱"];
const CHANNELS: Array<[string, number]> = [
  ["电话", 0.6],
  ["微信公众号", 0.15],
  ["网站", 0.08],
  ["App", 0.07],
  ["小程序", 0.1],
];
const PHONE_PREFIXES = ["139", "138", "136", "189", "159", "177", "133", "150"];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(rand() * xs.length))];
}

function weighted(rand: () => number, xs: Array<[string, number]>): string {
  let r = rand();
  for (const [v, w] of xs) {
    if ((r -= w) < 0) return v;
  }
  return xs[xs.length - 1][0];
}

/** 签收时限 / 办理时限 of a generated order, by urgency and appeal type (calendar approximation). */
function deadlines(receivedAt: Date, urgency: Urgency, appealType: AppealType): { signDeadline: string; handleDeadline: string } {
  const at = receivedAt.getTime();
  if (urgency === "紧急") return { signDeadline: toCst(new Date(at + 30 * 60_000)), handleDeadline: toCst(new Date(at + 2 * 3600_000)) };
  if (urgency === "较急") return { signDeadline: toCst(new Date(at + 2 * 3600_000)), handleDeadline: endOfDayAfter(receivedAt, 2) };
  const days = appealType === "咨询" || appealType === "求助" ? 3 : 7;
  return { signDeadline: toCst(new Date(at + 24 * 3600_000)), handleDeadline: endOfDayAfter(receivedAt, days) };
}

/**
 * A plausible work order for the simulator's steady stream. orderNo = CZ|SQ + yyMMdd (of `now`
 * in +08:00) + the 7-digit `seq`, so distinct seqs give distinct orders on a day. Callers and
 * phones are invented (phones read 1xx0000xxxx); ~8 % are confidential callers with no phone.
 * Deterministic for a given `rand`.
 */
export function generateOrder(seq: number, now: Date, rand: () => number = Math.random): WorkOrder12345 {
  const area = pick(rand, AREAS);
  const topic = pick(rand, TOPICS);
  const communityCode = pad(1 + Math.floor(rand() * 12), 3);
  const grid = pad(1 + Math.floor(rand() * 15), 2);
  const community = `(模拟)${area.street.replace(/(街道|镇)$/, "")}${pick(rand, ["东", "西", "南", "北", "新", "中"])}社区`;
  const fill = (s: string) => s.replaceAll("{街道}", area.street).replaceAll("{社区}", community);
  // dispatched within minutes of the call (Beijing: 5 minutes)
  const receivedAt = new Date(Math.floor((now.getTime() - rand() * 4 * 60_000) / 1000) * 1000);
  const { y, m, day } = cstParts(now);
  const orderNo = `${area.prefix}${pad(y % 100, 2)}${pad(m, 2)}${pad(day, 2)}${pad(((seq % 1e7) + 1e7) % 1e7, 7)}`;
  const confidential = rand() < 0.08;
  const caller: WorkOrder12345["caller"] = confidential
    ? { name: "匿名", confidential: true }
    : {
        name: `${pick(rand, SURNAMES)}${rand() < 0.5 ? "先生" : "女士"}`,
        phone: `${pick(rand, PHONE_PREFIXES)}0000${pad(Math.floor(rand() * 10_000), 4)}`,
        confidential: false,
      };
  const channel = weighted(rand, CHANNELS);
  return {
    orderNo,
    receivedAt: toCst(receivedAt),
    channel: channel === "小程序" ? `${area.city.slice(0, 2)}12345小程序` : channel,
    appealType: topic.appealType,
    category: [...topic.category],
    title: fill(topic.title),
    content: fill(topic.content),
    address: `${area.city}${area.district}${area.street}${fill(topic.place)}`,
    region: { city: area.city, district: area.district, districtCode: area.districtCode, street: area.street, community },
    gridCode: `${area.districtCode}${area.streetCode}${communityCode}${grid}`,
    location: { lng: round(area.lng + (rand() - 0.5) * 0.02, 5), lat: round(area.lat + (rand() - 0.5) * 0.02, 5) },
    caller,
    urgency: topic.urgency,
    ...deadlines(receivedAt, topic.urgency, topic.appealType),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------
// Outbound: the hub's command payloads → requests to the 12345 platform

/** The canonical command payloads this adapter builds from (contracts/canonical/command.schema.json). */
export type SignCommand = OriginSign;
export type ReturnCommand = OriginReturn;
export type ExtensionCommand = OriginExtension;
export type ReplyCommand = OriginReply;

export type { Post } from "../../kit/hotline";

/** Where the 12345 platform takes its orders' steps: /work-orders/{orderNo}/<action>. */
export const ORDER_PATH = "/work-orders";

/** The 12345 wire of each origin command: its path action and its field names (the canonical ones). */
export const WIRE = {
  sign: { action: "sign", fields: { unitName: "unitName", signedAt: "signedAt" } },
  return: { action: "return", fields: { reason: "reason", returnedAt: "returnedAt" } },
  extension: { action: "extension", fields: { until: "until", reason: "reason", unitName: "unitName", requestedAt: "requestedAt" } },
  reply: { action: "reply", fields: { outcome: "outcome", text: "text", unitName: "unitName", repliedAt: "repliedAt" } },
  overdue: {
    action: "overdue",
    fields: {
      level: "level",
      limitType: { from: "deadlineKind", map: (k: OriginOverdue["deadlineKind"]) => LIMIT_TYPE[k] },
      deadline: "deadline",
      overdue: "overdue",
      unitName: "unitName",
      supervisorName: "supervisorName",
      text: "text",
      notifiedAt: "notifiedAt",
    },
  },
} as const;

/** 12345's names of the deadlines (时限通报 limitType). */
export const LIMIT_TYPE = { sign: "签收时限", handle: "办理时限" } as const;

/** 时限通报 (预警/催办/督办 by the deadline jobs) → POST /work-orders/{orderNo}/overdue */
export function toOverdue(p: OriginOverdue): Post<Overdue12345> {
  return wireRequest(ORDER_PATH, WIRE.overdue, p);
}

/** 签收 → POST /work-orders/{orderNo}/sign */
export function toSign(p: SignCommand): Post<Sign12345> {
  return wireRequest(ORDER_PATH, WIRE.sign, p);
}

/** 退单 → POST /work-orders/{orderNo}/return */
export function toReturn(p: ReturnCommand): Post<Return12345> {
  return wireRequest(ORDER_PATH, WIRE.return, p);
}

/** 延期 → POST /work-orders/{orderNo}/extension */
export function toExtension(p: ExtensionCommand): Post<Extension12345> {
  return wireRequest(ORDER_PATH, WIRE.extension, p);
}

/** 回复/办结 → POST /work-orders/{orderNo}/reply */
export function toReply(p: ReplyCommand): Post<Reply12345> {
  return wireRequest(ORDER_PATH, WIRE.reply, p);
}

/** 办理结果 labels (codes defined in contracts/canonical/common Outcome). */
export const OUTCOME_LABEL = labels("Outcome") as Record<Outcome, string>;
/** 满意度 labels (codes defined in contracts/canonical/common Satisfaction). */
export const SATISFACTION_LABEL = labels("Satisfaction") as Record<0 | 1 | 2 | 3, string>;
