import fixture from "./assessment.fixture.json";
import { assess, assessYear, monthCsv, monthOf, monthRange, monthsOfYear, previousMonth, ratingOf, summaryLine, yearCsv, type AssessmentFacts, type UnitInfo } from "./assessment";

const facts = fixture.facts as AssessmentFacts;
const units = fixture.units as UnitInfo[];
const expected = fixture.expected;
/** which part each (fixture) source counts for, as the adapter specs say it for 12345/12319 (市) and the grid (区) */
const LEVELS = { cityLine: "city", districtGrid: "district" } as const;

describe("monthly assessment (hand-computed fixture: assessment.fixture.json)", () => {
  const report = assess(facts, units, { levels: LEVELS });

  it("gives every unit the figures, parts, score and rating computed by hand", () => {
    expect(report.units.map((u) => u.unitId)).toEqual(expected.units.map((u) => u.unitId)); // streets first
    for (const want of expected.units) expect(report.units.find((u) => u.unitId === want.unitId)).toMatchObject(want);
    expect(report.units.every((u) => u.onSiteBasis === "rectification")).toBe(true);
  });

  it("adds the city-wide totals, counting the unassigned case apart and the 退单 case nowhere", () => {
    expect(report.totals).toMatchObject(expected.totals);
  });

  it("takes 现场考评 results when given", () => {
    const w = expected.withOnSite;
    const f = assess(facts, units, { onSite: w.onSite, levels: LEVELS }).units.find((u) => u.unitId === "BM-F")!;
    expect(f).toMatchObject({ score: w.score, rating: w.rating, onSiteBasis: "input" });
    expect(f.city.onSite).toBe(w.cityOnSite);
    expect(f.district.onSite).toBe(15);
  });

  it("lets an origin system count for the other part", () => {
    const a = assess(facts, units, { levels: { ...LEVELS, districtGrid: "city" } }).units.find((u) => u.unitId === "JD-A")!;
    expect(a.district.opened).toBe(0);
    expect(a.city.opened).toBe(4);
  });

  it("averages the year over the months a unit was assessed", () => {
    const y = assessYear(2026, [assess(fixture.october as AssessmentFacts, units, { levels: LEVELS }), report], facts.asOf);
    expect(y.months).toEqual(expected.year.months);
    for (const id of ["JD-A", "JD-B", "BM-F"] as const) expect(y.units.find((u) => u.unitId === id)).toMatchObject(expected.year[id]);
    expect(y.units.find((u) => u.unitId === "JD-A")!.months).toEqual({ "2026-10": 100, "2026-11": 73.34 });
  });

  it("writes CSV for Excel: BOM, Chinese headers, percentages", () => {
    const csv = monthCsv(report);
    expect(csv.startsWith("\uFEFF考核月份,单位编号,单位名称,单位类型,立案数,应结案数,结案数,结案率")).toBe(true);
    const lines = csv.slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe("2026-11,JD-A,甲街道办事处,街道,4,4,4,100.00%,3,75.00%,6,1,16.67%,1,16.67%,29.17,29.17,7.50,7.50,73.34,不合格");
    expect(lines[3]).toContain(",职能部门,2,1,1,100.00%,1,100.00%,2,0,0.00%,1,50.00%,");
    const year = yearCsv(assessYear(2026, [report], facts.asOf));
    expect(year.split("\r\n")[0]).toBe("\uFEFF考核年度,单位编号,单位名称,单位类型,11月,考核月数,年度平均分,评定");
  });

  it("says the month in one Chinese line", () => {
    expect(summaryLine(report)).toBe(
      "2026年11月数字城管考核：参评单位 3 个（街道 2，部门 1），立案 9 件，应结案 7 件，结案率 85.71%，按期结案率 57.14%，返工率 16.67%，延期率 16.67%；优秀 1、合格 0、不合格 2；最低 乙街道办事处 43.12 分；另有 1 件尚无承办单位",
    );
  });
});

describe("months in Asia/Shanghai and ratings", () => {
  it("bounds a month at midnight +08:00", () => {
    expect(monthRange("2026-11")).toEqual({ from: facts.from, to: facts.to });
    expect(monthRange("2026-12").to).toBe("2026-12-31T16:00:00.000Z");
    expect(() => monthRange("2026-13")).toThrow();
    expect(monthOf(new Date("2026-11-30T16:30:00Z"))).toBe("2026-12");
  });
  it("names last month on the 1st, across a year", () => {
    expect(previousMonth(new Date("2026-12-01T01:30:00+08:00"))).toBe("2026-11");
    expect(previousMonth(new Date("2027-01-01T00:00:00+08:00"))).toBe("2026-12");
    expect(monthsOfYear(2026, new Date("2026-03-01T00:00:00+08:00"))).toEqual(["2026-01", "2026-02"]);
  });
  it("rates ≥ 95 优秀, 80–95 合格, < 80 不合格", () => {
    expect([100, 95, 94.99, 80, 79.99].map(ratingOf)).toEqual(["优秀", "优秀", "合格", "合格", "不合格"]);
  });
});
