/**
 * Grid system (网格化/数字城管) ⇄ hub mapping. Pure functions only (no I/O, no clock unless given
 * one): the checks of a grid event against the city data (grid code structure, district and street
 * segments, the 部件/事件 taxonomy, the object code, the city's bounds), the event → canonical case
 * draft, the inbound verification result and task steps → params of `cases.*` actions, and the
 * hub's commands → requests to the grid system: `task` 派遣, `urge` 催办/督办 and `recall` 撤回 of a
 * dispatch, `verification` 核查任务, and `overdue` 时限通报 about an event the grid system reported.
 */
import type { FieldError } from "../../contracts";
import type {
  CaseDraft,
  CodeSegment,
  GridDispatch,
  GridEvent,
  GridFile,
  GridOverdueNotice,
  GridPhoto,
  GridRecall,
  GridTaskAccept,
  GridTaskFeedback,
  GridTaskRefuse,
  GridUrge,
  GridVerificationRequest,
  GridVerificationResult,
  HandlerRecall,
  HandlerTask,
  HandlerUrge,
  MajorClass,
  MinorClass,
  OriginOverdue,
  Outcome,
  Verification,
} from "../../contracts/types";
import type { OutboundRequest } from "../../kit/adapter";
import { HubError } from "../../kit/errors";

export const SYSTEM = "grid" as const;

/** The contract ids of this adapter's messages. */
export const SCHEMA = {
  event: "tongguan:grid/event",
  verificationResult: "tongguan:grid/verification-result",
  taskAccept: "tongguan:grid/task-accept",
  taskFeedback: "tongguan:grid/task-feedback",
  taskRefuse: "tongguan:grid/task-refuse",
  task: "tongguan:grid/task",
  verification: "tongguan:grid/verification",
  urge: "tongguan:grid/urge",
  recall: "tongguan:grid/recall",
  overdue: "tongguan:grid/overdue",
} as const;

// ---------------------------------------------------------------------------------------------
// City data as the grid adapter sees it

/** One city: its districts (city.json), its streets (street units of units.json) and its management.json. */
export interface GridCity {
  code: string;
  name: string;
  /** 6-digit district code → 区县名称 */
  districts: Record<string, string>;
  /** district code + street segment (units.json streetCode) → 街道/镇 name */
  streets: Record<string, string>;
  grid: GridFile;
}

/** What a city's management.json must say beyond its schema: the segments the checks rely on, codes unique per kind. */
export function gridFileProblems(g: GridFile, at: string): string[] {
  const problems: string[] = [];
  const roles = (segs: CodeSegment[]) => segs.map((s) => s.role);
  const need = (segs: CodeSegment[], what: string, wanted: string[]) => {
    for (const r of wanted) {
      const n = roles(segs).filter((x) => x === r).length;
      if (n !== 1) problems.push(`${at}: ${what} 须恰有一个 role 为 ${r} 的段（现有 ${n} 个） / ${what} needs exactly one ${r} segment`);
    }
  };
  need(g.gridCode.segments, "gridCode", ["district", "street"]);
  need(g.objectCode.segments, "objectCode", ["district", "major", "minor"]);
  if (g.gridCode.segments[0]?.role !== "district") problems.push(`${at}: gridCode 的第一段应为区县段 / the grid code starts with its district segment`);
  const iDistrict = g.gridCode.segments.findIndex((s) => s.role === "district");
  const iStreet = g.gridCode.segments.findIndex((s) => s.role === "street");
  if (iStreet !== iDistrict + 1) problems.push(`${at}: gridCode 的街道段应紧随区县段 / the street segment follows the district segment`);
  if (g.bounds.west >= g.bounds.east || g.bounds.south >= g.bounds.north) problems.push(`${at}: bounds 的 west/east、south/north 顺序不对 / bounds are inverted`);
  const majors = new Set<string>();
  for (const m of g.taxonomy) {
    const k = `${m.kind}${m.code}`;
    if (majors.has(k)) problems.push(`${at}: ${m.kind}大类编码 ${m.code} 重复 / duplicate 大类 code`);
    majors.add(k);
    const minors = new Set<string>();
    for (const s of m.minors) {
      if (minors.has(s.code)) problems.push(`${at}: ${m.kind}大类 ${m.code}「${m.name}」的小类编码 ${s.code} 重复 / duplicate 小类 code`);
      minors.add(s.code);
    }
  }
  return problems;
}

/** The segments' lengths in words: 区县 6 + 街道 3 + 社区 3 + 网格 2. */
export function structureText(segs: CodeSegment[]): { zh: string; en: string; length: number } {
  return {
    zh: segs.map((s) => `${s.name} ${s.length}`).join(" + "),
    en: segs.map((s) => `${s.role} ${s.length}`).join(" + "),
    length: segs.reduce((n, s) => n + s.length, 0),
  };
}

/** A code cut into its segments, by role (first segment of each role). */
export function splitCode(code: string, segs: CodeSegment[]): Partial<Record<CodeSegment["role"], { name: string; value: string }>> {
  const out: Partial<Record<CodeSegment["role"], { name: string; value: string }>> = {};
  let at = 0;
  for (const s of segs) {
    out[s.role] ??= { name: s.name, value: code.slice(at, at + s.length) };
    at += s.length;
  }
  return out;
}

/** Where the district segment sits in a code of this structure. */
function districtOf(code: string, segs: CodeSegment[]): string {
  let at = 0;
  for (const s of segs) {
    if (s.role === "district") return code.slice(at, at + s.length);
    at += s.length;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// The checks of an event against the city data

export interface Problem extends FieldError {
  code: string;
}

/** What the checks found: the city (when the event says which), the class, the district and street of the grid code. */
export interface CheckedEvent {
  city?: GridCity;
  major: MajorClass;
  minor: MinorClass;
  districtCode?: string;
  district?: string;
  street?: string;
}

const p = (code: string, pointer: string, message: string, messageEn: string): Problem => ({ code, pointer, message, messageEn });
const cityList = (cities: GridCity[]) => cities.map((c) => c.name).join("、");
const inBounds = (c: GridCity, lng: number, lat: number) => lng >= c.grid.bounds.west && lng <= c.grid.bounds.east && lat >= c.grid.bounds.south && lat <= c.grid.bounds.north;

/**
 * The city a code belongs to, by its district segment; or the problem naming the segment. `what`
 * is the code's name in messages (网格编码 / 部件标识码).
 */
function cityOfCode(
  code: string,
  pointer: string,
  what: { zh: string; en: string; errCode: string; structure: (g: GridFile) => CodeSegment[] },
  cities: GridCity[],
): { city: GridCity } | { problem: Problem } {
  if (!/^[0-9]+$/.test(code)) return { problem: p(what.errCode, pointer, `${what.zh} ${code} 含非数字字符，应全部为数字`, `${what.en} ${code} must be digits only`) };
  const found = cities.find((c) => districtOf(code, what.structure(c.grid)) in c.districts);
  if (found) return { city: found };
  // the city the code claims by its prefix; when the code must be of one city (an object code after the grid code), that one
  const byPrefix = cities.length === 1 ? cities[0] : cities.find((c) => code.startsWith(c.code));
  const seg = byPrefix ? what.structure(byPrefix.grid).find((s) => s.role === "district") : undefined;
  const district = byPrefix ? districtOf(code, what.structure(byPrefix.grid)) : code.slice(0, 6);
  const segName = seg?.name ?? "区县";
  if (byPrefix)
    return {
      problem: p(
        what.errCode,
        pointer,
        `${what.zh} ${code} 的${segName}段 ${district} 不是${byPrefix.name}的${segName}`,
        `the ${seg?.role ?? "district"} segment ${district} of ${what.en} ${code} is not a district of ${byPrefix.name}`,
      ),
    };
  return {
    problem: p(
      what.errCode,
      pointer,
      `${what.zh} ${code} 的${segName}段 ${district} 不属于已接入的城市（${cityList(cities)}）`,
      `the district segment ${district} of ${what.en} ${code} is in none of the cities served (${cityList(cities)})`,
    ),
  };
}

function lengthProblem(code: string, pointer: string, errCode: string, zh: string, en: string, city: GridCity, segs: CodeSegment[]): Problem | undefined {
  const s = structureText(segs);
  if (code.length === s.length) return undefined;
  return p(
    errCode,
    pointer,
    `${zh} ${code} 为 ${code.length} 位，${city.name}的${zh}应为 ${s.length} 位（${s.zh}）`,
    `${en} ${code} has ${code.length} digits; ${city.name} uses ${s.length} (${s.en})`,
  );
}

/** The 大类/小类 of an event in one city's taxonomy, or why not. */
function classIn(c: GridCity, ev: Pick<GridEvent, "kind" | "majorCode" | "minorCode">): { major: MajorClass; minor: MinorClass } | { problem: Problem } {
  const major = c.grid.taxonomy.find((m) => m.kind === ev.kind && m.code === ev.majorCode);
  const minor = major?.minors.find((s) => s.code === ev.minorCode);
  if (major && minor) return { major, minor };
  const other = ev.kind === "部件" ? "事件" : "部件";
  const om = c.grid.taxonomy.find((m) => m.kind === other && m.code === ev.majorCode);
  const os = om?.minors.find((s) => s.code === ev.minorCode);
  if (om && os)
    return {
      problem: p(
        "CATEGORY_KIND_MISMATCH",
        "/kind",
        `${c.name}分类中 ${ev.majorCode}${ev.minorCode} 是${other}「${om.name}/${os.name}」，与上报的类型「${ev.kind}」不符`,
        `in ${c.name}'s taxonomy ${ev.majorCode}${ev.minorCode} is a ${other === "部件" ? "component" : "event"} (${om.name}/${os.name}), not a ${ev.kind === "部件" ? "component" : "event"}`,
      ),
    };
  if (!major)
    return {
      problem: p(
        "CATEGORY_UNKNOWN",
        "/majorCode",
        `大类编码 ${ev.majorCode} 不是${c.name}的${ev.kind}大类`,
        `major code ${ev.majorCode} is not a ${ev.kind === "部件" ? "component" : "event"} class of ${c.name}`,
      ),
    };
  return {
    problem: p(
      "CATEGORY_UNKNOWN",
      "/minorCode",
      `小类编码 ${ev.minorCode} 不是${c.name}${ev.kind}大类 ${major.code}「${major.name}」下的小类`,
      `minor code ${ev.minorCode} is not a sub-class of ${c.name}'s ${ev.kind === "部件" ? "component" : "event"} class ${major.code} (${major.name})`,
    ),
  };
}

/**
 * Every check of a grid event against the city data; throws one 422 HubError listing every
 * problem (each with its pointer and a Chinese and an English message naming the segment and the
 * value). An event with only an address (no grid code, object code or coordinates) is checked
 * for its class only and passes with the city it names, if any.
 */
export function checkEvent(ev: GridEvent, cities: GridCity[]): CheckedEvent {
  const problems: Problem[] = [];
  let city: GridCity | undefined;
  let districtCode: string | undefined;
  let street: string | undefined;

  // the grid code: digits, the city by its district segment, its length, its street segment
  if (ev.gridCode !== undefined) {
    const r = cityOfCode(ev.gridCode, "/gridCode", { zh: "网格编码", en: "grid code", errCode: "GRID_CODE_INVALID", structure: (g) => g.gridCode.segments }, cities);
    if ("problem" in r) problems.push(r.problem);
    else {
      const segs = r.city.grid.gridCode.segments;
      const len = lengthProblem(ev.gridCode, "/gridCode", "GRID_CODE_INVALID", "网格编码", "grid code", r.city, segs);
      if (len) problems.push(len);
      else {
        city = r.city;
        const parts = splitCode(ev.gridCode, segs);
        districtCode = parts.district!.value;
        const streetCode = `${districtCode}${parts.street!.value}`;
        street = city.streets[streetCode];
        if (!street) {
          const dn = city.districts[districtCode];
          problems.push(
            p(
              "GRID_CODE_INVALID",
              "/gridCode",
              `网格编码 ${ev.gridCode} 的${parts.street!.name}段 ${parts.street!.value} 不属于${dn}`,
              `the street segment ${parts.street!.value} of grid code ${ev.gridCode} is not a street of ${dn} (${districtCode})`,
            ),
          );
        }
      }
    }
  }

  // the object code: components only, the same city, its structure, its embedded 大类/小类
  if (ev.objectCode !== undefined) {
    if (ev.kind !== "部件") {
      problems.push(
        p(
          "OBJECT_CODE_NOT_COMPONENT",
          "/objectCode",
          `部件标识码 ${ev.objectCode} 只用于部件，上报的类型为「${ev.kind}」`,
          `an object code (${ev.objectCode}) belongs to a component, the report is an ${ev.kind === "事件" ? "event" : ev.kind}`,
        ),
      );
    } else {
      const r = cityOfCode(ev.objectCode, "/objectCode", { zh: "部件标识码", en: "object code", errCode: "OBJECT_CODE_INVALID", structure: (g) => g.objectCode.segments }, city ? [city] : cities);
      if ("problem" in r) problems.push(r.problem);
      else {
        const segs = r.city.grid.objectCode.segments;
        const len = lengthProblem(ev.objectCode, "/objectCode", "OBJECT_CODE_INVALID", "部件标识码", "object code", r.city, segs);
        if (len) problems.push(len);
        else {
          city ??= r.city;
          const parts = splitCode(ev.objectCode, segs);
          const embedded = `${parts.major!.value}${parts.minor!.value}`;
          if (embedded !== `${ev.majorCode}${ev.minorCode}`)
            problems.push(
              p(
                "OBJECT_CODE_MISMATCH",
                "/objectCode",
                `部件标识码 ${ev.objectCode} 中的${parts.major!.name}${parts.minor!.name}段 ${embedded} 与上报的${parts.major!.name}${parts.minor!.name}编码 ${ev.majorCode}${ev.minorCode} 不一致`,
                `the class segments ${embedded} of object code ${ev.objectCode} differ from the reported major/minor codes ${ev.majorCode}${ev.minorCode}`,
              ),
            );
        }
      }
    }
  }

  // coordinates: inside the city's bounds (the city of the codes, else the one that holds them)
  if (ev.lng !== undefined && ev.lat !== undefined) {
    const { lng, lat } = ev;
    if (city) {
      if (!inBounds(city, lng, lat)) {
        const b = city.grid.bounds;
        problems.push(
          p(
            "OUT_OF_BOUNDS",
            "/lng",
            `坐标 (${lng}, ${lat}) 不在${city.name}范围内（经度 ${b.west}–${b.east}，纬度 ${b.south}–${b.north}）`,
            `coordinates (${lng}, ${lat}) are outside ${city.name} (lng ${b.west}–${b.east}, lat ${b.south}–${b.north})`,
          ),
        );
      }
    } else if (!problems.some((x) => x.pointer === "/gridCode" || x.pointer === "/objectCode")) {
      const holding = cities.filter((c) => inBounds(c, lng, lat));
      if (holding.length === 1) city = holding[0];
      else if (holding.length === 0)
        problems.push(
          p("OUT_OF_BOUNDS", "/lng", `坐标 (${lng}, ${lat}) 不在已接入城市（${cityList(cities)}）的范围内`, `coordinates (${lng}, ${lat}) are outside every city served (${cityList(cities)})`),
        );
    }
  }

  // an address alone may still name the city
  if (!city && ev.address && !problems.length) {
    const named = cities.filter((c) => ev.address!.includes(c.name) || Object.values(c.districts).some((d) => d && ev.address!.includes(d)));
    if (named.length === 1) city = named[0];
  }

  // the class: in the city's taxonomy, or (city unknown) in some city's
  let cls: { major: MajorClass; minor: MinorClass } | undefined;
  if (city) {
    const r = classIn(city, ev);
    if ("problem" in r) problems.push(r.problem);
    else cls = r;
  } else if (!problems.length) {
    const tried = cities.map((c) => classIn(c, ev));
    const ok = tried.find((r): r is { major: MajorClass; minor: MinorClass } => !("problem" in r));
    if (ok) cls = ok;
    else {
      const first = (tried[0] as { problem: Problem }).problem;
      problems.push({ ...first, message: `${first.message}（位置未定，已核对${cityList(cities)}的分类）`, messageEn: `${first.messageEn} (location unknown: checked against ${cityList(cities)})` });
    }
  }

  if (problems.length || !cls) throw rejected(problems);
  return {
    ...(city ? { city } : {}),
    ...cls,
    ...(districtCode ? { districtCode, district: city?.districts[districtCode] } : {}),
    ...(street ? { street } : {}),
  };
}

/** One 422 for every problem found: the first one's code, every message. */
export function rejected(problems: Problem[]): HubError {
  const errors: FieldError[] = problems.map(({ pointer, message, messageEn }) => ({ pointer, message, messageEn }));
  return new HubError(422, problems[0]?.code ?? "VALIDATION_FAILED", problems.map((x) => x.message).join("；"), problems.map((x) => x.messageEn).join("; "), { errors });
}

// ---------------------------------------------------------------------------------------------
// Inbound: event → case draft

/** What a grid report is to the hub's appeal types: a report of a problem found (问题上报). */
export const APPEAL_TYPE = "举报" as const;

/** what the canonical contracts take (common GridCode, CityManagement.objectCode); the city's exact structure was checked above */
const CANONICAL_GRID = /^[1-8][0-9]{13,19}$/;
const CANONICAL_OBJECT = /^[0-9]{10,24}$/;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A checked grid event → the canonical case draft: origin {grid, eventId}, category path
 * [kind, 大类名, 小类名] (mappings/grid.json takes it onto the catalogue), title 小类：地址,
 * content the description, location from the grid code (district, street), address and
 * coordinates, the grid member as reporter (no name, not confidential), urgency from the 大类
 * (突发事件 紧急, else 一般), and the 部件/事件 facts in `cityManagement`.
 */
export function toCaseDraft(ev: GridEvent, checked: CheckedEvent): CaseDraft {
  const { city, major, minor } = checked;
  const coords = ev.lng !== undefined && ev.lat !== undefined ? `坐标 ${ev.lng},${ev.lat}` : undefined;
  const place = [city?.name, checked.district, checked.street].filter(Boolean).join("");
  const address = ev.address ?? (ev.gridCode ? `${place}网格 ${ev.gridCode}` : (coords ?? place) || "（未提供地址）");
  const location: CaseDraft["location"] = { address: clip(address, 300) };
  if (city) location.city = city.name;
  if (checked.districtCode) location.districtCode = checked.districtCode;
  if (checked.district) location.district = checked.district;
  if (checked.street) location.street = checked.street;
  if (ev.gridCode && CANONICAL_GRID.test(ev.gridCode)) location.gridCode = ev.gridCode;
  if (ev.lng !== undefined && ev.lat !== undefined) {
    location.lng = ev.lng;
    location.lat = ev.lat;
  }
  const cityManagement: NonNullable<CaseDraft["cityManagement"]> = {
    kind: ev.kind,
    majorCode: ev.majorCode,
    minorCode: ev.minorCode,
    majorName: major.name,
    minorName: minor.name,
    reporterId: ev.reporter.id,
    reporterRole: ev.reporter.role,
    fixedOnSite: ev.fixedOnSite ?? false,
  };
  if (ev.objectCode && CANONICAL_OBJECT.test(ev.objectCode)) cityManagement.objectCode = ev.objectCode;
  if (ev.photos?.length) cityManagement.photos = [...ev.photos];
  return {
    origin: { system: SYSTEM, externalId: ev.eventId },
    appealType: APPEAL_TYPE,
    category: { path: [ev.kind, major.name, minor.name], code: null },
    title: clip(`${minor.name}：${location.address}`, 200),
    content: ev.description ?? `${ev.reporter.role}上报${ev.kind}「${major.name}/${minor.name}」：${location.address}`,
    location,
    reporter: { confidential: false },
    urgency: major.urgency ?? "一般",
    receivedAt: ev.reportedAt,
    signDeadline: null,
    handleDeadline: null,
    cityManagement,
  };
}

// ---------------------------------------------------------------------------------------------
// Inbound: verification results and task steps → cases.* params

/** cases.verification // 核查结果 */
export interface VerificationParams {
  system: typeof SYSTEM;
  verificationId: string;
  passed: boolean;
  note?: string;
  inspectorId?: string;
  at: string;
  /** 核查照片 URLs, kept on the case as attachments of kind 核查 */
  photos?: string[];
}

/** `receivedAt`: when the hub received the message, the default for a missing time. Optional fields the system did not send are left out. */
export function toVerificationParams(verificationId: string, body: GridVerificationResult, receivedAt: string): VerificationParams {
  const out: VerificationParams = { system: SYSTEM, verificationId, passed: body.passed, at: body.checkedAt ?? receivedAt };
  if (body.note !== undefined) out.note = body.note.trim();
  if (body.inspectorId !== undefined) out.inspectorId = body.inspectorId;
  if (body.photos?.length) out.photos = [...body.photos];
  return out;
}

/** cases.unitAccept, for a unit that works through the grid system */
export interface TaskAcceptParams {
  unitId: string;
  taskId: string;
  at: string;
  handler?: string;
}

/** cases.unitResult, for a unit that works through the grid system */
export interface TaskFeedbackParams {
  unitId: string;
  taskId: string;
  outcome: Outcome;
  text: string;
  at: string;
  handler?: string;
  /** 处置后照片 URLs, kept on the case as attachments of kind 处置 */
  photos?: string[];
}

/** cases.unitRefuse, for a unit that works through the grid system (派遣退回) */
export interface TaskRefuseParams {
  unitId: string;
  taskId: string;
  reason: string;
  legalBasis?: string;
}

export function toTaskRefuseParams(params: Record<string, string>, body: GridTaskRefuse): TaskRefuseParams {
  const out: TaskRefuseParams = { unitId: params.unitId, taskId: params.taskId, reason: body.reason.trim() };
  if (body.legalBasis !== undefined) out.legalBasis = body.legalBasis;
  return out;
}

export function toTaskAcceptParams(params: Record<string, string>, body: GridTaskAccept, receivedAt: string): TaskAcceptParams {
  const out: TaskAcceptParams = { unitId: params.unitId, taskId: params.taskId, at: body.acceptedAt ?? receivedAt };
  if (body.handler !== undefined) out.handler = body.handler;
  return out;
}

export function toTaskFeedbackParams(params: Record<string, string>, body: GridTaskFeedback, receivedAt: string): TaskFeedbackParams {
  const out: TaskFeedbackParams = { unitId: params.unitId, taskId: params.taskId, outcome: body.outcome, text: body.text.trim(), at: body.finishedAt ?? receivedAt };
  if (body.handler !== undefined) out.handler = body.handler;
  if (body.photos?.length) out.photos = [...body.photos];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Outbound: the hub's commands → requests to the grid system

export interface Post<T> extends OutboundRequest {
  method: "POST";
  body: T;
}

/** 派遣: the hub's task (HandlerTask) → POST /dispatches, for the unit named by the target. */
export function toDispatch(task: HandlerTask, target: string | null): Post<GridDispatch> {
  if (!target) throw new Error("grid task needs a target (the unitId) / 派遣任务缺少处置单位");
  const l = task.location;
  const location: GridDispatch["location"] = { address: l.address };
  if (l.districtCode !== undefined) location.districtCode = l.districtCode;
  if (l.street !== undefined) location.street = l.street;
  if (l.community !== undefined) location.community = l.community;
  if (l.gridCode !== undefined) location.gridCode = l.gridCode;
  if (l.lng !== undefined) location.lng = l.lng;
  if (l.lat !== undefined) location.lat = l.lat;
  const reporter: GridDispatch["reporter"] = { confidential: task.reporter.confidential };
  if (!task.reporter.confidential) {
    if (task.reporter.name !== undefined) reporter.name = task.reporter.name;
    if (task.reporter.phone !== undefined) reporter.phone = task.reporter.phone;
  }
  const body: GridDispatch = {
    dispatchId: task.taskId,
    caseId: task.caseId,
    unitId: target,
    role: task.role === "owner" ? "主办" : "协办",
    rework: task.rework,
    title: task.title,
    description: task.content,
    category: { path: [...task.category.path], code: task.category.code },
    ...(task.cityManagement ? { cityManagement: { ...task.cityManagement } } : {}),
    location,
    urgency: task.urgency,
    signDeadline: task.signDeadline,
    handleDeadline: task.handleDeadline,
    reporter,
    dispatchedAt: task.sentAt,
  };
  if (task.note !== undefined) body.note = task.note;
  if (task.attachments?.length) body.photos = photosOf(task.attachments);
  return { method: "POST", path: "/dispatches", body };
}

/** The case's attachments as the grid system's photos (url, step, who, when). */
export function photosOf(attachments: NonNullable<HandlerTask["attachments"]>): GridPhoto[] {
  return attachments.map((a) => ({ url: a.url, kind: a.kind, by: a.by, at: a.at }));
}

/** Where a dispatch's steps go: /dispatches/{dispatchId}/<action>. */
const dispatchPath = (dispatchId: string, action: string) => `/dispatches/${encodeURIComponent(dispatchId)}/${action}`;

/** 催办/督办 of a dispatch: the hub's urge → POST /dispatches/{dispatchId}/urge, to the unit named by the target (督办: the owner's supervisor). */
export function toUrge(u: HandlerUrge, target: string | null): Post<GridUrge> {
  if (!target) throw new Error("grid urge needs a target (the unitId) / 催办缺少接收单位");
  return { method: "POST", path: dispatchPath(u.taskId, "urge"), body: { dispatchId: u.taskId, caseId: u.caseId, unitId: target, level: u.level, content: u.text, urgedAt: u.urgedAt } };
}

/** 撤回: the hub's recall → POST /dispatches/{dispatchId}/recall. */
export function toRecall(r: HandlerRecall, target: string | null): Post<GridRecall> {
  if (!target) throw new Error("grid recall needs a target (the unitId) / 撤回缺少处置单位");
  return { method: "POST", path: dispatchPath(r.taskId, "recall"), body: { dispatchId: r.taskId, caseId: r.caseId, unitId: target, reason: r.reason, recalledAt: r.recalledAt } };
}

/** 时限通报 about an event the grid system reported → POST /events/{eventId}/overdue. */
export function toOverdueNotice(o: OriginOverdue): Post<GridOverdueNotice> {
  const body: GridOverdueNotice = {
    eventId: o.externalId,
    caseId: o.caseId,
    level: o.level,
    limitKind: o.deadlineKind === "sign" ? "签收" : "处置",
    deadline: o.deadline,
    overdue: o.overdue,
    unitName: o.unitName,
    text: o.text,
    notifiedAt: o.notifiedAt,
  };
  if (o.supervisorName !== undefined) body.supervisorName = o.supervisorName;
  return { method: "POST", path: `/events/${encodeURIComponent(o.externalId)}/overdue`, body };
}

/** 核查任务: the hub's verification command → POST /verifications to the grid system's supervisors. */
export function toVerificationRequest(v: Verification): Post<GridVerificationRequest> {
  const body: GridVerificationRequest = {
    verificationId: v.verificationId,
    caseId: v.caseId,
    eventId: v.externalId ?? null,
    title: v.title,
    location: { ...v.location },
    ownerUnitId: v.ownerUnitId ?? null,
    ownerUnitName: v.ownerUnitName ?? null,
    feedback: v.reply,
    dueAt: v.dueAt,
    requestedAt: v.sentAt,
  };
  const cm = v.cityManagement;
  if (cm) {
    const classification: NonNullable<GridVerificationRequest["classification"]> = { kind: cm.kind, majorCode: cm.majorCode, minorCode: cm.minorCode };
    if (cm.majorName !== undefined) classification.majorName = cm.majorName;
    if (cm.minorName !== undefined) classification.minorName = cm.minorName;
    if (cm.objectCode !== undefined) classification.objectCode = cm.objectCode;
    body.classification = classification;
  }
  if (v.attachments?.length) body.photos = photosOf(v.attachments);
  return { method: "POST", path: "/verifications", body };
}
