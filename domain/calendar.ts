/**
 * The working calendar the hub's deadlines (处置时限) run on: which local days are working days,
 * the city's office hours, and arithmetic in 工作时 (working hours) and 工作日 (working days).
 *
 * Sources, in order of precedence for a date:
 *   1. the city's `overrides` (cities/<city>/calendar.json): a date made working or non-working locally;
 *   2. the national holidays and make-up working days (调休): the chinese-days package's raw data
 *      (dist/chinese-days.json, never its isWorkday(), which guesses Monday–Friday for years it has
 *      no data for), or the city's `extraYears` for a year the package does not cover yet;
 *   3. Monday–Friday — only inside a covered year.
 *
 * A year is covered when the package has holidays for it or the city lists it in `extraYears`.
 * Nothing is ever guessed for any other year: every function that would need such a day throws a
 * CalendarGapError naming the year, and `deadline()` returns a `gap` instead, so the caller can
 * alarm engineers. Overrides do not make a year covered.
 *
 * Local time is Asia/Shanghai, UTC+8 with no daylight saving: the arithmetic uses a fixed +8 h
 * offset and never the machine's time zone. Every input and output is an instant (Date).
 * Pure, except loadCalendar(), which reads the city file and the package data.
 */
import fs from "node:fs";
import path from "node:path";
import { assertValid, ROOT } from "../contracts/index";
import type { CalendarFile } from "../contracts/types";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Asia/Shanghai: UTC+8 all year round */
const OFFSET = 8 * HOUR;
/** a search for the next working day gives up after this many days (no covered year is that long without one) */
const MAX_SEARCH_DAYS = 366 * 3;

/** The chinese-days raw data: date (YYYY-MM-DD) → "English name,中文名,n". */
export interface NationalData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays?: Record<string, string>;
}

export type TimeUnit = "工作时" | "工作日";

export interface TimeLimit {
  amount: number;
  unit: TimeUnit;
}

export interface CalendarGap {
  year: number;
  message: string;
  messageEn: string;
}

export type DeadlineResult = { at: Date } | { gap: CalendarGap };

export interface DayInfo {
  /** local date YYYY-MM-DD */
  date: string;
  working: boolean;
  /** why: the holiday's name, "调休上班（…）", "周末", "工作日" or the override's reason */
  why: string;
  source: "override" | "national" | "city" | "week";
}

export interface WorkingCalendar {
  /** the office hours, in order */
  readonly officeHours: readonly { from: string; to: string }[];
  /** the covered years, ascending */
  readonly years: readonly number[];
  /** remarks found when loading (e.g. an extraYears entry the package now covers), Chinese / English */
  readonly warnings: readonly string[];
  covers(year: number): boolean;
  /** whether the local day of `date` (an instant, or a local date "YYYY-MM-DD") is a working day; throws CalendarGapError outside the covered years */
  isWorkingDay(date: Date | string): boolean;
  dayInfo(date: Date | string): DayInfo;
  /**
   * 工作时: `hours` of office time of working days after `start`. A start outside office hours
   * begins at the next office period; a result that falls exactly at the end of a period stays
   * there (4 h from 13:30 is 17:30 the same day, not 08:30 the next). 0 hours → `start`.
   */
  addWorkingHours(start: Date, hours: number): Date;
  /**
   * 工作日: the end of office hours of the `days`-th working day after the start day.
   * The start day (day 0) is the day of the first office moment at or after `start`: a start
   * during office hours, or before opening, or in the lunch break of a working day keeps its day;
   * a start after closing or on a non-working day counts from the next working day. So 1 工作日
   * from Monday 10:00 (or 07:00) ends Tuesday at closing, from Monday 19:00 or Saturday it ends
   * Wednesday / Tuesday at closing; 0 工作日 is closing time of day 0 (当日).
   */
  addWorkingDays(start: Date, days: number): Date;
  /** office hours of working days between two instants (negative when b is before a); consistent with addWorkingHours */
  workingHoursBetween(a: Date, b: Date): number;
  /** a deadline, or the gap that prevents computing it (never a guess) */
  deadline(start: Date, limit: TimeLimit): DeadlineResult;
}

function gapMessages(year: number, file: string): { message: string; messageEn: string } {
  return {
    message:
      `工作日历没有 ${year} 年的节假日数据，期限无法计算（不按周一至周五推测）：` +
      `请把国务院办公厅《关于${year}年部分节假日安排的通知》中的全部放假日期和调休上班日期加入 ${file} 的 extraYears["${year}"]，` +
      `或将 chinese-days 升级到收录 ${year} 年的版本。`,
    messageEn:
      `The working calendar has no holiday data for ${year}, so the deadline cannot be computed (no Monday-to-Friday guess): ` +
      `add the State Council's notice on the ${year} public holidays (every day off and every make-up working day) as extraYears["${year}"] in ${file}, ` +
      `or upgrade chinese-days to a version that covers ${year}.`,
  };
}

/** A day the calendar has no data for was needed. */
export class CalendarGapError extends Error {
  readonly year: number;
  readonly messageZh: string;
  readonly messageEn: string;
  constructor(year: number, file = "calendar.json") {
    const m = gapMessages(year, file);
    super(`${m.messageEn} / ${m.message}`);
    this.name = "CalendarGapError";
    this.year = year;
    this.messageZh = m.message;
    this.messageEn = m.messageEn;
  }
}

// Local days are numbered from 1970-01-01 (local); day d starts at the instant d·DAY − 8 h.
const dayOf = (t: number) => Math.floor((t + OFFSET) / DAY);
const dayStart = (d: number) => d * DAY - OFFSET;
const keyOf = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
const yearOf = (d: number) => new Date(d * DAY).getUTCFullYear();
const weekdayOf = (d: number) => new Date(d * DAY).getUTCDay();

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** the local day number of "YYYY-MM-DD", or undefined when it is not a real date */
function dayFromKey(key: string): number | undefined {
  const m = DATE_RE.exec(key);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = t / DAY;
  return keyOf(d) === key ? d : undefined;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** "National Day,国庆节,3" → 国庆节 */
const holidayName = (v: string) => v.split(",")[1]?.trim() || v;

interface Entry {
  working: boolean;
  why: string;
  source: DayInfo["source"];
}

export interface CalendarOptions {
  /** the file named in gap messages and errors, e.g. "cities/changzhou/calendar.json" */
  file?: string;
}

/** The calendar of a city from its data and the national data (pure; data already schema-valid). Throws on inconsistent data. */
export function calendarFrom(data: CalendarFile, national: NationalData, opts: CalendarOptions = {}): WorkingCalendar {
  const file = opts.file ?? "calendar.json";
  const problems: string[] = [];
  const warnings: string[] = [];

  // Office hours: [from, to) in ms after local midnight, in order, not overlapping.
  const periods: [number, number][] = [];
  data.officeHours.forEach((p, i) => {
    const f = minutes(p.from) * MINUTE;
    const e = minutes(p.to) * MINUTE;
    if (e <= f) problems.push(`officeHours[${i}]: ${p.to} 不晚于 ${p.from} / ends before it starts`);
    else if (periods.length && f < periods[periods.length - 1][1]) problems.push(`officeHours[${i}]: ${p.from} 早于上一时段结束 / overlaps or precedes the period before`);
    else periods.push([f, e]);
  });
  const closing = periods.length ? periods[periods.length - 1][1] : 0;

  // National and city-supplied years.
  const national_ = new Map<number, Entry>();
  const years = new Set<number>();
  for (const [k, v] of Object.entries(national.holidays ?? {})) {
    const d = dayFromKey(k);
    if (d === undefined) continue;
    years.add(yearOf(d));
    national_.set(d, { working: false, why: holidayName(v), source: "national" });
  }
  for (const [k, v] of Object.entries(national.workdays ?? {})) {
    const d = dayFromKey(k);
    if (d === undefined) continue;
    national_.set(d, { working: true, why: `调休上班（${holidayName(v)}）`, source: "national" });
  }
  const explicit = new Map(national_);

  for (const [y, extra] of Object.entries(data.extraYears ?? {})) {
    if (!extra) continue;
    const year = Number(y);
    const entries: [number, Entry][] = [];
    const add = (map: Record<string, string | undefined>, working: boolean, what: string) => {
      for (const [k, v] of Object.entries(map)) {
        const d = dayFromKey(k);
        if (d === undefined) {
          problems.push(`extraYears["${y}"].${what}: ${k} 不是有效日期 / not a date`);
          continue;
        }
        const dy = yearOf(d);
        // A notice for year Y may place a make-up working day in late December of Y−1.
        if (dy !== year && !(dy === year - 1 && k.slice(5, 7) === "12")) {
          problems.push(`extraYears["${y}"].${what}: ${k} 不在 ${y} 年 / not in ${y}`);
          continue;
        }
        if (entries.some(([o]) => o === d)) problems.push(`extraYears["${y}"]: ${k} 同时是放假日和上班日 / listed twice`);
        entries.push([d, { working, why: working ? `调休上班（${v}）` : String(v), source: "city" }]);
      }
    };
    add(extra.holidays, false, "holidays");
    add(extra.workdays, true, "workdays");
    if (!entries.some(([, e]) => !e.working)) problems.push(`extraYears["${y}"]: 没有放假日期 / no holiday listed (a year always has some)`);
    if (years.has(year)) {
      const differ = entries.filter(([d, e]) => national_.get(d)?.working !== e.working).map(([d]) => keyOf(d));
      const natOfYear = [...national_.keys()].filter((d) => yearOf(d) === year && !entries.some(([o]) => o === d)).map(keyOf);
      const diff = [...differ, ...natOfYear].sort();
      warnings.push(
        `${file}: extraYears["${y}"] 已被 chinese-days 收录，使用包中的数据${diff.length ? `（与包不同的日期：${diff.join(", ")}）` : ""}，可删除该条目 / ` +
          `chinese-days covers ${y}: its data is used${diff.length ? ` (dates that differ: ${diff.join(", ")})` : ""}; the entry can be removed`,
      );
      continue;
    }
    for (const [d, e] of entries) explicit.set(d, e);
    years.add(year);
  }

  const overrides = new Map<number, Entry>();
  data.overrides.forEach((o, i) => {
    const d = dayFromKey(o.date);
    if (d === undefined) problems.push(`overrides[${i}]: ${o.date} 不是有效日期 / not a date`);
    else if (overrides.has(d)) problems.push(`overrides[${i}]: ${o.date} 重复 / listed twice`);
    else overrides.set(d, { working: o.working, why: o.reason, source: "override" });
  });

  if (problems.length) throw new Error(`工作日历数据有误 / calendar data is inconsistent (${file}):\n  ${problems.join("\n  ")}`);

  const covers = (year: number) => years.has(year);
  const entryOf = (d: number): Entry => {
    const year = yearOf(d);
    if (!years.has(year)) throw new CalendarGapError(year, file);
    const e = overrides.get(d) ?? explicit.get(d);
    if (e) return e;
    const wd = weekdayOf(d);
    return wd === 0 || wd === 6 ? { working: false, why: "周末", source: "week" } : { working: true, why: "工作日", source: "week" };
  };
  const working = (d: number) => entryOf(d).working;
  const dayNumber = (date: Date | string): number => {
    if (typeof date === "string") {
      const d = dayFromKey(date);
      if (d === undefined) throw new RangeError(`不是有效日期 / not a date (YYYY-MM-DD): ${date}`);
      return d;
    }
    const t = date.getTime();
    if (!Number.isFinite(t)) throw new RangeError("无效时间 / invalid Date");
    return dayOf(t);
  };
  const instant = (date: Date, what: string): number => {
    const t = date.getTime();
    if (!Number.isFinite(t)) throw new RangeError(`无效时间 / invalid Date: ${what}`);
    return t;
  };

  function addWorkingHours(start: Date, hours: number): Date {
    const t = instant(start, "start");
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`工作时必须是非负数 / hours must be a non-negative number: ${hours}`);
    let rest = Math.round(hours * HOUR);
    if (rest === 0) return new Date(t);
    const first = dayOf(t);
    for (let d = first; d <= first + MAX_SEARCH_DAYS + rest / HOUR; d++) {
      const base = dayStart(d);
      // Only a day whose office time lies after the start is asked (and so can be a gap).
      if (base + closing <= t || !working(d)) continue;
      for (const [f, e] of periods) {
        const s = Math.max(base + f, t);
        const end = base + e;
        if (s >= end) continue;
        if (rest <= end - s) return new Date(s + rest);
        rest -= end - s;
      }
    }
    throw new Error(`工作日历中找不到足够的工作时间 / no working time found (${file})`);
  }

  /** the day of the first office moment at or after t */
  function startDay(t: number): number {
    const first = dayOf(t);
    for (let d = first; d <= first + MAX_SEARCH_DAYS; d++) {
      if (dayStart(d) + closing > t && working(d)) return d;
    }
    throw new Error(`工作日历中找不到工作日 / no working day found (${file})`);
  }

  function addWorkingDays(start: Date, days: number): Date {
    const t = instant(start, "start");
    if (!Number.isInteger(days) || days < 0) throw new RangeError(`工作日必须是非负整数 / days must be a non-negative integer: ${days}`);
    let d = startDay(t);
    for (let k = days, guard = 0; k > 0; guard++) {
      if (guard > MAX_SEARCH_DAYS + days * 7) throw new Error(`工作日历中找不到工作日 / no working day found (${file})`);
      d++;
      if (working(d)) k--;
    }
    return new Date(dayStart(d) + closing);
  }

  function workingHoursBetween(a: Date, b: Date): number {
    const ta = instant(a, "a");
    const tb = instant(b, "b");
    if (tb < ta) return -workingHoursBetween(b, a);
    let ms = 0;
    for (let d = dayOf(ta); d <= dayOf(tb); d++) {
      const base = dayStart(d);
      const overlaps = periods.map(([f, e]) => Math.max(0, Math.min(base + e, tb) - Math.max(base + f, ta)));
      const total = overlaps.reduce((x, y) => x + y, 0);
      if (total > 0 && working(d)) ms += total;
    }
    return ms / HOUR;
  }

  function deadline(start: Date, limit: TimeLimit): DeadlineResult {
    try {
      if (limit.unit === "工作时") return { at: addWorkingHours(start, limit.amount) };
      if (limit.unit === "工作日") return { at: addWorkingDays(start, limit.amount) };
      throw new RangeError(`未知的时限单位 / unknown unit: ${String((limit as { unit: unknown }).unit)}`);
    } catch (e) {
      if (e instanceof CalendarGapError) return { gap: { year: e.year, message: e.messageZh, messageEn: e.messageEn } };
      throw e;
    }
  }

  return {
    officeHours: data.officeHours.map((p) => ({ from: p.from, to: p.to })),
    years: [...years].sort((x, y) => x - y),
    warnings,
    covers,
    isWorkingDay: (date) => working(dayNumber(date)),
    dayInfo: (date) => {
      const d = dayNumber(date);
      return { date: keyOf(d), ...entryOf(d) };
    },
    addWorkingHours,
    addWorkingDays,
    workingHoursBetween,
    deadline,
  };
}

/** The national holiday data of the installed chinese-days package (its raw data file, not its guessing functions). */
export function nationalData(): NationalData {
  return require("chinese-days/dist/chinese-days.json") as NationalData;
}

/**
 * Reads `<cityDir>/calendar.json` (cityDir absolute, or relative to the project root, e.g.
 * "cities/changzhou"), validates it against tongguan:data/calendar and builds the calendar on
 * the chinese-days data. Throws naming the file when it is missing, malformed or inconsistent.
 */
export function loadCalendar(cityDir: string, national: NationalData = nationalData()): WorkingCalendar {
  const abs = path.resolve(ROOT, cityDir, "calendar.json");
  const rel = path.relative(ROOT, abs);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
  if (!fs.existsSync(abs)) throw new Error(`工作日历文件缺失 / calendar file missing: ${shown}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(abs, "utf8"));
  } catch (e) {
    throw new Error(`工作日历文件不是合法 JSON / calendar file is not valid JSON: ${shown}: ${(e as Error).message}`);
  }
  const data = assertValid<CalendarFile>("tongguan:data/calendar", raw, shown);
  return calendarFrom(data, national, { file: shown });
}
