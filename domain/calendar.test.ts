import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CalendarFile } from "../contracts/types";
import { CalendarGapError, calendarFrom, loadCalendar, nationalData, type WorkingCalendar } from "./calendar";

/** an instant from a Shanghai local time "YYYY-MM-DD HH:MM" */
const at = (s: string) => new Date(`${s.replace(" ", "T")}:00+08:00`);
/** the Shanghai local time of an instant, "YYYY-MM-DD HH:MM" */
const local = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

const HOURS = [
  { from: "08:30", to: "12:00" },
  { from: "13:30", to: "17:30" },
];
const national = nationalData();
const make = (extra: Partial<CalendarFile> = {}): WorkingCalendar => calendarFrom({ officeHours: HOURS, overrides: [], ...extra }, national);
const cal = make();

const plusHours = (start: string, h: number, c = cal) => local(c.addWorkingHours(at(start), h));
const plusDays = (start: string, n: number, c = cal) => local(c.addWorkingDays(at(start), n));

describe("working days from the chinese-days data", () => {
  it("covers the years the package has holidays for, and not 2027", () => {
    expect(cal.covers(2004)).toBe(true);
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2027)).toBe(false);
    expect(cal.years[cal.years.length - 1]).toBe(2026);
  });

  it("国庆 2026: 1–7 October off, Sunday 20 September and Saturday 10 October worked (调休)", () => {
    for (let d = 1; d <= 7; d++) expect(cal.isWorkingDay(`2026-10-0${d}`)).toBe(false);
    expect(cal.dayInfo("2026-10-01")).toMatchObject({ working: false, why: "国庆节", source: "national" });
    expect(cal.isWorkingDay("2026-10-10")).toBe(true);
    expect(cal.dayInfo("2026-10-10").why).toBe("调休上班（国庆节）");
    expect(cal.isWorkingDay("2026-09-20")).toBe(true);
    expect(cal.isWorkingDay("2026-10-11")).toBe(false); // an ordinary Sunday
    expect(cal.isWorkingDay("2026-09-25")).toBe(false); // 中秋
  });

  it("春节 2026: 15–23 February off, Saturdays 14 and 28 February worked", () => {
    for (let d = 15; d <= 23; d++) expect(cal.isWorkingDay(`2026-02-${d}`)).toBe(false);
    expect(cal.isWorkingDay("2026-02-14")).toBe(true);
    expect(cal.isWorkingDay("2026-02-28")).toBe(true);
    expect(cal.isWorkingDay("2026-02-24")).toBe(true);
  });

  it("takes the local (UTC+8) day of an instant, whatever the machine's time zone", () => {
    // 2026-10-08 00:30 in Shanghai is still 7 October in UTC
    expect(cal.isWorkingDay(new Date("2026-10-07T16:30:00Z"))).toBe(true);
    expect(cal.isWorkingDay(new Date("2026-10-07T15:30:00Z"))).toBe(false);
  });
});

describe("工作时", () => {
  it("4 工作时 from Friday 16:00 ends Monday 11:00 (across a weekend)", () => {
    expect(plusHours("2026-03-13 16:00", 4)).toBe("2026-03-16 11:00");
  });

  it("skips the lunch break", () => {
    expect(plusHours("2026-03-16 11:00", 2)).toBe("2026-03-16 14:30");
    expect(plusHours("2026-03-16 12:30", 1)).toBe("2026-03-16 14:30"); // started in the break
    expect(plusHours("2026-03-16 13:30", 4)).toBe("2026-03-16 17:30"); // ends at closing, not next morning
  });

  it("a start at night or before opening begins at the next office period", () => {
    expect(plusHours("2026-03-16 20:00", 1)).toBe("2026-03-17 09:30");
    expect(plusHours("2026-03-17 07:00", 1)).toBe("2026-03-17 09:30");
    expect(plusHours("2026-03-14 10:00", 2)).toBe("2026-03-16 10:30"); // Saturday
  });

  it("across 国庆 2026: from 30 September to 8 October, and onto the 调休 Saturday", () => {
    expect(plusHours("2026-09-30 16:00", 4)).toBe("2026-10-08 11:00");
    expect(plusHours("2026-10-09 16:00", 4)).toBe("2026-10-10 11:00");
  });

  it("across 春节 2026: the 调休 Saturday before it, then the day after it", () => {
    expect(plusHours("2026-02-13 16:00", 4)).toBe("2026-02-14 11:00");
    expect(plusHours("2026-02-14 16:00", 4)).toBe("2026-02-24 11:00");
  });

  it("accepts fractions of an hour and 0", () => {
    expect(plusHours("2026-03-16 11:45", 0.5)).toBe("2026-03-16 13:45");
    expect(cal.addWorkingHours(at("2026-03-14 10:00"), 0).getTime()).toBe(at("2026-03-14 10:00").getTime());
    expect(() => cal.addWorkingHours(at("2026-03-16 10:00"), -1)).toThrow(RangeError);
  });
});

describe("工作日", () => {
  it("ends at closing time of the n-th working day after the start day", () => {
    expect(plusDays("2026-03-16 10:00", 1)).toBe("2026-03-17 17:30");
    expect(plusDays("2026-03-16 10:00", 0)).toBe("2026-03-16 17:30"); // 当日
    expect(plusDays("2026-03-13 10:00", 2)).toBe("2026-03-17 17:30"); // Friday, across the weekend
  });

  it("a start after closing or on a non-working day counts from the next working day; before opening keeps its day", () => {
    expect(plusDays("2026-03-16 19:00", 1)).toBe("2026-03-18 17:30");
    expect(plusDays("2026-03-16 17:30", 1)).toBe("2026-03-18 17:30"); // closing time itself is outside
    expect(plusDays("2026-03-14 10:00", 1)).toBe("2026-03-17 17:30"); // Saturday → Monday is day 0
    expect(plusDays("2026-03-16 07:00", 1)).toBe("2026-03-17 17:30");
  });

  it("across 国庆 2026 with its 调休 Saturday", () => {
    expect(plusDays("2026-09-30 10:00", 2)).toBe("2026-10-09 17:30");
    expect(plusDays("2026-09-30 10:00", 3)).toBe("2026-10-10 17:30");
    expect(plusDays("2026-09-19 10:00", 1)).toBe("2026-09-21 17:30"); // Saturday 19th off → Sunday 20th (调休) is day 0
  });

  it("13 工作日 across 春节 2026", () => {
    expect(plusDays("2026-02-12 10:00", 13)).toBe("2026-03-09 17:30");
  });

  it("uses the city's own closing time", () => {
    const suqian = calendarFrom(
      {
        officeHours: [
          { from: "08:30", to: "12:00" },
          { from: "14:00", to: "18:00" },
        ],
        overrides: [],
      },
      national,
    );
    expect(plusDays("2026-03-16 10:00", 1, suqian)).toBe("2026-03-17 18:00");
    expect(plusHours("2026-03-16 11:00", 2, suqian)).toBe("2026-03-16 15:00");
  });
});

describe("a year without data is a gap, never a guess", () => {
  it("deadline() returns a gap naming 2027 and what to add", () => {
    const r = cal.deadline(at("2026-12-31 16:00"), { amount: 4, unit: "工作时" });
    expect("gap" in r).toBe(true);
    if (!("gap" in r)) return;
    expect(r.gap.year).toBe(2027);
    expect(r.gap.message).toContain("2027");
    expect(r.gap.message).toContain("extraYears");
    expect(r.gap.message).toContain("chinese-days");
    expect(r.gap.messageEn).toContain("State Council");
    expect(r.gap.messageEn).toContain("2027");
  });

  it("a deadline that stays in 2026 is computed, one that reaches 2027 in 工作日 is a gap", () => {
    expect(cal.deadline(at("2026-12-31 16:00"), { amount: 1, unit: "工作时" })).toEqual({ at: at("2026-12-31 17:00") });
    expect(cal.deadline(at("2026-12-31 10:00"), { amount: 0, unit: "工作日" })).toEqual({ at: at("2026-12-31 17:30") });
    expect(cal.deadline(at("2026-12-31 10:00"), { amount: 1, unit: "工作日" })).toMatchObject({ gap: { year: 2027 } });
  });

  it("the other functions throw CalendarGapError with the year", () => {
    expect(() => cal.isWorkingDay("2027-03-01")).toThrow(CalendarGapError);
    expect(() => cal.addWorkingDays(at("2027-03-01 10:00"), 1)).toThrow(CalendarGapError);
    expect(() => cal.workingHoursBetween(at("2026-12-31 10:00"), at("2027-01-04 10:00"))).toThrow(CalendarGapError);
    try {
      cal.addWorkingHours(at("2027-06-01 10:00"), 1);
      throw new Error("no gap");
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarGapError);
      expect((e as CalendarGapError).year).toBe(2027);
    }
  });

  it("the year is covered once the city adds it as extraYears", () => {
    const c = make({
      extraYears: {
        "2027": { source: "测试数据，非真实通知", holidays: { "2027-01-01": "元旦", "2027-01-02": "元旦", "2027-01-03": "元旦" }, workdays: {} },
      },
    });
    expect(c.covers(2027)).toBe(true);
    expect(c.deadline(at("2026-12-31 16:00"), { amount: 4, unit: "工作时" })).toEqual({ at: at("2027-01-04 11:00") });
    expect(c.dayInfo("2027-01-01")).toMatchObject({ working: false, why: "元旦", source: "city" });
  });

  it("an extraYears entry the package already covers is ignored with a warning", () => {
    const c = make({ extraYears: { "2026": { source: "旧条目", holidays: { "2026-10-01": "国庆节" }, workdays: {} } } });
    expect(c.warnings.join("\n")).toContain("2026");
    expect(c.isWorkingDay("2026-10-10")).toBe(true); // the package's 调休 still applies
  });

  it("an override alone does not make a year covered", () => {
    const c = make({ overrides: [{ date: "2027-01-04", working: true, reason: "测试" }] });
    expect(() => c.isWorkingDay("2027-01-04")).toThrow(CalendarGapError);
  });
});

describe("city overrides", () => {
  it("a day made non-working locally moves the deadline", () => {
    const c = make({ overrides: [{ date: "2026-03-16", working: false, reason: "测试：本地停工" }] });
    expect(c.dayInfo("2026-03-16")).toMatchObject({ working: false, why: "测试：本地停工", source: "override" });
    expect(plusHours("2026-03-13 16:00", 4, c)).toBe("2026-03-17 11:00");
  });

  it("a Saturday made working locally counts, even against the national data", () => {
    const c = make({
      overrides: [
        { date: "2026-03-14", working: true, reason: "测试：周六上班" },
        { date: "2026-10-10", working: false, reason: "测试：本地不调休" },
      ],
    });
    expect(plusHours("2026-03-13 16:00", 4, c)).toBe("2026-03-14 11:00");
    expect(c.isWorkingDay("2026-10-10")).toBe(false);
  });

  it("the sample city files load and validate", () => {
    const cz = loadCalendar("cities/changzhou");
    expect(cz.dayInfo("2026-11-07")).toMatchObject({ working: true, source: "override" });
    expect(cz.covers(2027)).toBe(false);
    const sq = loadCalendar("cities/suqian");
    expect(sq.officeHours[1]).toEqual({ from: "14:00", to: "18:00" });
  });
});

describe("workingHoursBetween", () => {
  it("counts office hours only", () => {
    expect(cal.workingHoursBetween(at("2026-03-13 16:00"), at("2026-03-16 11:00"))).toBe(4);
    expect(cal.workingHoursBetween(at("2026-03-16 00:00"), at("2026-03-17 00:00"))).toBe(7.5);
    expect(cal.workingHoursBetween(at("2026-10-01 00:00"), at("2026-10-08 00:00"))).toBe(0);
    expect(cal.workingHoursBetween(at("2026-03-16 11:00"), at("2026-03-13 16:00"))).toBe(-4);
  });

  it("is the inverse of addWorkingHours, across weekends and holidays", () => {
    const starts = ["2026-02-12 09:10", "2026-09-29 12:15", "2026-10-09 17:45", "2026-03-13 23:00", "2026-05-01 10:00", "2026-06-18 13:29"];
    for (const s of starts) {
      for (const h of [0.25, 1, 3.5, 4, 7.5, 24, 100]) {
        const end = cal.addWorkingHours(at(s), h);
        expect(cal.workingHoursBetween(at(s), end)).toBeCloseTo(h, 9);
      }
    }
  });
});

describe("data errors", () => {
  it("refuses office hours out of order or overlapping", () => {
    expect(() => calendarFrom({ officeHours: [{ from: "12:00", to: "08:30" }], overrides: [] }, national)).toThrow(/officeHours\[0\]/);
    expect(() =>
      calendarFrom(
        {
          officeHours: [
            { from: "08:30", to: "12:00" },
            { from: "11:00", to: "17:00" },
          ],
          overrides: [],
        },
        national,
      ),
    ).toThrow(/officeHours\[1\]/);
  });

  it("refuses a duplicate override and an extraYears date outside its year", () => {
    const o = { date: "2026-03-16", working: false, reason: "测试" };
    expect(() => make({ overrides: [o, o] })).toThrow(/overrides\[1\]/);
    expect(() => make({ extraYears: { "2027": { source: "测试数据", holidays: { "2028-01-01": "元旦" }, workdays: {} } } })).toThrow(/not in 2027/);
  });

  it("a calendar file that does not match the schema stops loading, naming the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calendar-"));
    fs.writeFileSync(path.join(dir, "calendar.json"), JSON.stringify({ officeHours: [{ from: "8:30", to: "12:00" }], overrides: [] }));
    expect(() => loadCalendar(dir)).toThrow(/calendar\.json[\s\S]*officeHours\/0\/from/);
    fs.rmSync(dir, { recursive: true });
  });
});
