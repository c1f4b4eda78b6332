import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadCalendar } from "./calendar";
import {
  addMonths,
  breachedBy,
  inspectionRates,
  loadSupervision,
  type SupervisionFacts,
  supervisionLevelOf,
  supervisionProblems,
  type CreditSubject,
  drawInspections,
  dualPublicationDue,
  evaluate,
  type JointRulesFile,
  loadJointRules,
  mulberry32,
  noticesFor,
  noticeSubject,
  personalScore,
  publicationOf,
  SAMPLE_INSPECTION_RATES,
  type SanctionRecord,
} from "./credit";

/** an instant from a Shanghai local time "YYYY-MM-DD HH:MM" */
const at = (s: string) => new Date(`${s.replace(" ", "T")}:00+08:00`);
/** the Shanghai local time of an instant, "YYYY-MM-DD HH:MM" */
const local = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
const dueOf = (r: { at: Date } | { gap: unknown }) => ("at" in r ? local(r.at) : r);

const cal = loadCalendar("cities/changzhou");
const cz = loadJointRules("cities/changzhou");
const sq = loadJointRules("cities/suqian");

const company: CreditSubject = {
  type: "法人及非法人组织",
  name: "常州示例渣土运输有限公司",
  creditCode: "91320400MA1EXAMPLE",
  legalRepresentative: { name: "王某", idType: "居民身份证", idNumber: "320402198001011234" },
  industries: ["建筑垃圾运输处置"],
  plates: ["苏D12345", "苏D23456", "苏D34567"],
};

let n = 0;
const penalty = (decisionDate: string, extra: Partial<SanctionRecord> = {}): SanctionRecord => ({
  decisionNo: `常城管罚决字〔2026〕第${String(++n).padStart(4, "0")}号`,
  decisionDate,
  violationKind: n % 2 ? "乱倒渣土" : "渣土撒漏",
  severity: "一般",
  partyType: "法人及非法人组织",
  procedure: "普通程序",
  plates: ["苏D12345"],
  ...extra,
});
const five = (dates = ["2025-07-10", "2025-10-20", "2026-01-15", "2026-03-02", "2026-05-08"]) => dates.map((d) => penalty(d));
const NOW = at("2026-05-11 10:00");

describe("joint-rules files", () => {
  it("both cities' files load, are marked as sample data, and name their basis", () => {
    for (const f of [cz, sq]) {
      expect(f._note).toMatch(/示例数据/);
      for (const r of f.rules) expect(r.basis.some((b) => b.sample)).toBe(true);
      expect(f.personalScore?.start).toBe(100);
    }
    expect(cz.rules.map((r) => r.id)).toEqual(["CZ-J010", "CZ-J020", "CZ-S010"]);
    expect(sq.rules.map((r) => r.id)).toContain("SQ-J030");
  });

  const withFile = (data: unknown, fn: (dir: string) => void) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "joint-"));
    try {
      fs.writeFileSync(path.join(dir, "joint-rules.json"), typeof data === "string" ? data : JSON.stringify(data));
      fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it("a schema error names the file, the pointer and the rule id", () => {
    const bad = structuredClone(cz) as unknown as { rules: { trigger: { violationKinds: string[] } }[] };
    bad.rules[0].trigger.violationKinds = ["乱倒渣士"];
    withFile(bad, (dir) => expect(() => loadJointRules(dir)).toThrow(/joint-rules file is invalid.*\/rules\/0 \(规则 CZ-J010\)\/trigger\/violationKinds\/0/s));
    withFile("{", (dir) => expect(() => loadJointRules(dir)).toThrow(/not valid JSON/));
    expect(() => loadJointRules(os.tmpdir())).toThrow(/joint-rules file missing/);
  });

  it("cross-checks: a score rule needs personalScore; a list decision's decider must be a target", () => {
    const noStart = structuredClone(cz);
    delete noStart.personalScore;
    withFile(noStart, (dir) => expect(() => loadJointRules(dir)).toThrow(/personalScore.*never guessed/));
    const badDecider = structuredClone(cz);
    const r = badDecider.rules[1];
    if (r.kind !== "joint" || r.listDecision === "none") throw new Error("fixture");
    r.listDecision.decidedBy = "transport";
    withFile(badDecider, (dir) => expect(() => loadJointRules(dir)).toThrow(/CZ-J020.*decidedBy is not a target/));
  });
});

describe("construction-waste company: five general-procedure 乱倒/撒漏 penalties in a year", () => {
  it("fire the black-list rule with notices for police, transport, housing, 城管 and the credit platform", () => {
    const history = five();
    const firings = evaluate(company, history, cz, NOW);
    expect(firings).toHaveLength(1);
    const f = firings[0];
    expect(f.ruleId).toBe("CZ-J010");
    expect(f.decisionNos).toEqual(history.map((h) => h.decisionNo));
    expect(f.listDecision).toMatchObject({ list: "建筑垃圾运输企业黑名单", scope: "行业黑名单", decidedBy: "cityManagement" });
    expect(f.why).toMatch(/5 次/);

    const notices = noticesFor(f, company, NOW, cal);
    expect(notices.map((x) => x.target).sort()).toEqual(["cityManagement", "creditPlatform", "housing", "police", "transport"]);
    const police = notices.find((x) => x.target === "police")!;
    expect(police.targetName).toBe("公安交警");
    expect(police.measures.map((m) => m.code)).toEqual(["REVOKE_VEHICLE_PASSES"]);
    expect(police.plates).toEqual(["苏D12345", "苏D23456", "苏D34567"]);
    expect(notices.find((x) => x.target === "transport")!.measures[0].code).toBe("REVIEW_OPERATING_LICENCE");
    expect(notices.find((x) => x.target === "housing")!.measures[0].code).toBe("RESTRICT_HOUSING_PERMITS");
    expect(notices.find((x) => x.target === "cityManagement")!.measures[0].code).toBe("RESTRICT_TRANSPORT_PERMITS");
    for (const x of notices) {
      expect(x.decisions).toHaveLength(5);
      expect(x.rule.id).toBe("CZ-J010");
      expect(x.noticeId.length).toBeLessThanOrEqual(64);
      // Monday 10:00: 2 工作日 → Wednesday closing; 15 工作日 → Monday 1 June closing
      expect(dueOf(x.receiptDue)).toBe("2026-05-13 17:30");
      expect(dueOf(x.feedbackDue)).toBe("2026-06-01 17:30");
      // the company's credit code whole, its representative's ID number masked
      expect(x.subject.creditCode).toBe("91320400MA1EXAMPLE");
      expect(x.subject.legalRepresentative).toEqual({ name: "王某", idType: "居民身份证", idNumber: "320402********1234" });
    }
    expect(new Set(notices.map((x) => x.noticeId)).size).toBe(5);
    // notices are stable for the same firing
    expect(noticesFor(f, company, NOW, cal).map((x) => x.noticeId)).toEqual(notices.map((x) => x.noticeId));
  });

  it("four are not enough", () => {
    expect(evaluate(company, five().slice(1), cz, NOW)).toEqual([]);
  });

  it("five outside the window are not enough (the oldest is more than 365 days back)", () => {
    const history = five(["2025-05-10", "2025-10-20", "2026-01-15", "2026-03-02", "2026-05-08"]);
    expect(evaluate(company, history, cz, NOW)).toEqual([]);
    // a day earlier, the same five were inside the window
    expect(evaluate(company, history, cz, at("2026-05-09 10:00")).map((f) => f.ruleId)).toEqual(["CZ-J010"]);
  });

  it("简易程序 penalties (轻微) do not count; a penalty dated after now does not count", () => {
    const h = five();
    h[2] = { ...h[2], severity: "轻微", procedure: "简易程序" };
    expect(evaluate(company, h, cz, NOW)).toEqual([]);
    expect(evaluate(company, five(["2025-07-10", "2025-10-20", "2026-01-15", "2026-03-02", "2026-05-12"]), cz, NOW)).toEqual([]);
  });

  it("the shipped 渣土 rule counts 普通程序 (一般程序) decisions by their procedure, whatever their severity", () => {
    const r = cz.rules[0];
    if (r.kind !== "joint") throw new Error("fixture");
    expect(r.trigger.procedures).toEqual(["普通程序"]);
    const h = five();
    h[2] = { ...h[2], severity: "轻微" }; // a 普通程序 decision graded 轻微 still counts: the procedure decides
    expect(evaluate(company, h, cz, NOW)).toHaveLength(1);
    h[2] = { ...h[2], severity: "严重", procedure: "简易程序" }; // a 简易程序 decision does not, even 严重
    expect(evaluate(company, h, cz, NOW)).toEqual([]);
  });

  it("a decision that does not state its procedure falls back to severity ≥ 一般", () => {
    const h = five().map(({ procedure: _p, ...d }) => d as SanctionRecord);
    const [f] = evaluate(company, h, cz, NOW);
    expect(f.ruleId).toBe("CZ-J010");
    expect(f.why).toContain("未载明程序的按一般及以上计");
    h[2] = { ...h[2], severity: "轻微" };
    expect(evaluate(company, h, cz, NOW)).toEqual([]);
  });

  it("a rule that names procedures without minSeverity counts only decisions that state one of them", () => {
    const strict = structuredClone(cz);
    const r = strict.rules[0];
    if (r.kind !== "joint") throw new Error("fixture");
    delete r.trigger.minSeverity;
    expect(evaluate(company, five(), strict, NOW)).toHaveLength(1);
    const h = five();
    delete h[2].procedure;
    expect(evaluate(company, h, strict, NOW)).toEqual([]);
  });

  it("the subject must be a company of the industry", () => {
    expect(evaluate({ ...company, industries: ["户外广告"] }, five(), cz, NOW)).toEqual([]);
    expect(evaluate({ type: "自然人", name: "张某" }, five(), cz, NOW)).toEqual([]);
  });

  it("the same decision set does not fire twice; one more penalty does not re-fire; five new ones do", () => {
    const history = five();
    const first = evaluate(company, history, cz, NOW);
    expect(first).toHaveLength(1);
    expect(evaluate(company, history, cz, NOW, first)).toEqual([]);
    // the same set passed twice in the history (a decision posted twice) is still one set
    expect(evaluate(company, [...history, ...history], cz, NOW, first)).toEqual([]);
    const sixth = [...history, penalty("2026-05-11")];
    expect(evaluate(company, sixth, cz, NOW, first)).toEqual([]);
    const later = at("2026-09-30 10:00");
    const more = [...sixth, ...five(["2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01"])];
    const second = evaluate(company, more, cz, later, first);
    expect(second).toHaveLength(1);
    expect(second[0].decisions).toHaveLength(5);
    expect(second[0].key).not.toBe(first[0].key);
  });
});

describe("property-service company fails its 违建 patrol-and-report duty", () => {
  const property: CreditSubject = { type: "法人及非法人组织", name: "常州示例物业服务有限公司", creditCode: "91320402MA1PROPERT", industries: ["物业服务"] };
  it("is copied to 住建 for the bidding black list", () => {
    const h = [penalty("2026-04-20", { violationKind: "物业未履行违建巡查报告义务", plates: [] })];
    const firings = evaluate(property, h, cz, NOW);
    expect(firings.map((f) => f.ruleId)).toEqual(["CZ-J020"]);
    expect(firings[0].listDecision).toMatchObject({ list: "前期物业招标企业黑名单", decidedBy: "housing" });
    const notices = noticesFor(firings[0], property, NOW, cal);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ target: "housing", targetName: "住建", plates: [] });
    expect(notices[0].measures[0].code).toBe("BIDDING_BLACKLIST");
    expect(evaluate(property, h, cz, NOW, firings)).toEqual([]);
  });

  it("a notice whose deadline reaches a year the calendar lacks carries a gap, not a guess", () => {
    const late = at("2026-12-24 10:00");
    const firings = evaluate(property, [penalty("2026-12-23", { violationKind: "物业未履行违建巡查报告义务", plates: [] })], cz, late);
    const [notice] = noticesFor(firings[0], property, late, cal);
    expect(dueOf(notice.receiptDue)).toBe("2026-12-28 17:30");
    expect(notice.feedbackDue).toEqual({ gap: expect.objectContaining({ year: 2027 }) });
  });
});

describe("a vehicle (宿迁 sample rule SQ-J030)", () => {
  const truck: CreditSubject = { type: "车辆", name: "苏N88888", plate: "苏n 88888" };
  it("three 撒漏/未密闭 penalties on the plate within 30 days suspend its pass", () => {
    const h = ["2026-04-20", "2026-04-28", "2026-05-06"].map((d, i) => penalty(d, { violationKind: i ? "未密闭运输" : "渣土撒漏", plates: ["苏N88888"], procedure: "简易程序" }));
    const firings = evaluate(truck, h, sq, NOW);
    expect(firings.map((f) => f.ruleId)).toEqual(["SQ-J030"]);
    expect(firings[0].listDecision).toBe("none");
    expect(noticesFor(firings[0], truck, NOW, cal).map((x) => x.target)).toEqual(["police", "cityManagement"]);
    // another vehicle's penalties do not count
    expect(evaluate({ ...truck, plate: "苏N99999" }, h, sq, NOW)).toEqual([]);
  });
});

describe("list membership as a trigger", () => {
  const rules: JointRulesFile = {
    _note: "test",
    rules: [
      {
        id: "TT-J001",
        kind: "joint",
        name: "黑名单企业再次乱倒",
        basis: [{ title: "测试规则", role: "依据", sample: true }],
        trigger: { subjectTypes: ["法人及非法人组织"], violationKinds: ["乱倒渣土"], minCount: 1, windowDays: 30, onLists: ["建筑垃圾运输企业黑名单"], minSeverity: "严重" },
        measures: [{ code: "EXTRA_CHECK", target: "transport", text: "加大检查频次" }],
        listDecision: "none",
        deadlines: { receiptWorkingDays: 1, feedbackWorkingDays: 5 },
      },
    ],
  };
  it("fires only for a subject on the list, and only for decisions of the minimum severity", () => {
    const h = [penalty("2026-05-08", { violationKind: "乱倒渣土", severity: "严重" })];
    expect(evaluate(company, h, rules, NOW)).toEqual([]);
    expect(evaluate({ ...company, lists: ["建筑垃圾运输企业黑名单"] }, h, rules, NOW)).toHaveLength(1);
    expect(evaluate({ ...company, lists: ["建筑垃圾运输企业黑名单"] }, [{ ...h[0], severity: "一般" }], rules, NOW)).toEqual([]);
  });
});

describe("personal credit score", () => {
  const person = (decisionDate: string, violationKind: string): SanctionRecord => penalty(decisionDate, { violationKind, partyType: "自然人", plates: [], procedure: "简易程序" });

  it("starts at the file's 100; one offence is recorded but does not deduct; a repeat in the year deducts both", () => {
    const one = [person("2026-01-10", "车窗抛物")];
    expect(personalScore(one, cz, NOW)).toMatchObject({ start: 100, score: 100, deducted: 0, deductions: [] });
    expect(personalScore(one, cz, NOW).pending.map((p) => p.violationKind)).toEqual(["车窗抛物"]);
    const two = [...one, person("2026-04-02", "乱扔垃圾")];
    const s = personalScore(two, cz, NOW);
    expect(s.score).toBe(93);
    expect(s.deductions.map((d) => [d.decisionNo, d.points, d.expiresOn])).toEqual([
      [two[0].decisionNo, 5, "2027-01-10"],
      [two[1].decisionNo, 2, "2027-04-02"],
    ]);
  });

  it("deductions expire when their decisions leave the window", () => {
    const h = [person("2025-06-01", "违规养犬"), person("2026-01-10", "车窗抛物"), person("2026-04-02", "乱贴小广告")];
    expect(personalScore(h, cz, NOW).score).toBe(100 - 3 - 5 - 3);
    // on 2026-06-01 the first has left the window; the other two still repeat
    const june = personalScore(h, cz, at("2026-06-01 09:00"));
    expect(june.score).toBe(100 - 5 - 3);
    expect(june.expired).toEqual([expect.objectContaining({ decisionNo: h[0].decisionNo, expiredOn: "2026-06-01" })]);
    // on 2027-01-10 only one is left in the window: no longer repeated, nothing deducted
    const next = personalScore(h, cz, at("2027-01-10 09:00"));
    expect(next.score).toBe(100);
    expect(next.pending.map((p) => p.decisionNo)).toEqual([h[2].decisionNo]);
    expect(next.expired).toHaveLength(2);
  });

  it("at most maxPoints per rule; other kinds and companies' penalties are ignored", () => {
    const many = Array.from({ length: 10 }, (_, i) => person(`2026-0${1 + (i % 4)}-1${i % 10}`, "车窗抛物"));
    const s = personalScore([...many, person("2026-02-01", "占道经营"), penalty("2026-02-01", { violationKind: "乱扔垃圾" })], cz, NOW);
    expect(s.deducted).toBe(30);
    expect(s.score).toBe(70);
    expect(s.deductions.reduce((a, d) => a + d.points, 0)).toBe(30);
  });

  it("a person's ID number is masked in notices' subjects", () => {
    const p: CreditSubject = { type: "自然人", name: "张某", idType: "居民身份证", idNumber: "32040219900307123X" };
    expect(noticeSubject(p)).toEqual({ type: "自然人", name: "张某", idType: "居民身份证", idNumber: "320402********123X" });
  });
});

describe("publication periods (双公示)", () => {
  it("轻微 is not published; 一般 3 months–1 year; 严重 1–3 years, from the decision date (2025 rule from 2026-04-01)", () => {
    expect(publicationOf("轻微", "2026-05-10")).toMatchObject({ published: false, publishFrom: null, minUntil: null, maxUntil: null, rule: { id: "信用修复管理办法-2025" } });
    expect(publicationOf("一般", "2026-05-10")).toMatchObject({ published: true, publishFrom: "2026-05-10", minUntil: "2026-08-10", maxUntil: "2027-05-10", months: { min: 3, max: 12 } });
    expect(publicationOf("严重", "2026-04-01")).toMatchObject({ minUntil: "2027-04-01", maxUntil: "2029-04-01", rule: { id: "信用修复管理办法-2025" } });
  });

  it("a decision before 2026-04-01 follows Order 58; one before 2023-05-01 follows 527号 (严重 from 6 months)", () => {
    const p = publicationOf("严重", "2026-03-31");
    expect(p.rule).toMatchObject({ id: "NDRC-58", docNo: "国家发展和改革委员会令2023年第58号" });
    expect(p).toMatchObject({ minUntil: "2027-03-31", maxUntil: "2029-03-31" });
    expect(publicationOf("一般", "2023-05-01").rule.id).toBe("NDRC-58");
    expect(publicationOf("严重", "2023-04-30")).toMatchObject({ rule: { id: "527号" }, minUntil: "2023-10-30", maxUntil: "2026-04-30" });
  });

  it("a 轻微 record may be published up to 3 months under the 2025 rule only, when a sector insists", () => {
    expect(publicationOf("轻微", "2026-05-10", { minorMonths: 3 })).toMatchObject({ published: true, minUntil: "2026-05-10", maxUntil: "2026-08-10" });
    expect(() => publicationOf("轻微", "2026-05-10", { minorMonths: 4 })).toThrow(/at most 3 months/);
    expect(() => publicationOf("轻微", "2026-03-10", { minorMonths: 3 })).toThrow(/NDRC-58 does not publish/);
  });

  it("months without the corresponding day end on the month's last day", () => {
    expect(addMonths("2025-11-30", 3)).toBe("2026-02-28");
    expect(addMonths("2024-02-29", 12)).toBe("2025-02-28");
    expect(addMonths("2026-12-31", 2)).toBe("2027-02-28");
  });

  it("the 7-working-day deadline runs across 国庆 2026 and its 调休 Saturday", () => {
    // Monday 28 September: 29, 30 Sep, 8, 9, 10 (调休 Saturday), 12, 13 Oct
    expect(dueOf(dualPublicationDue("2026-09-28", cal))).toBe("2026-10-13 17:30");
    // a decision on a day off (中秋, Saturday 26 September): the next working day is day 1
    expect(dueOf(dualPublicationDue("2026-09-26", cal))).toBe("2026-10-12 17:30");
    expect(publicationOf("一般", "2026-09-30", { calendar: cal }).due).toEqual({ at: at("2026-10-15 17:30") });
    expect(publicationOf("轻微", "2026-09-30", { calendar: cal }).due).toBeNull();
  });

  it("a deadline in a year the calendar lacks is a gap, never a guess", () => {
    const r = dualPublicationDue("2026-12-28", cal);
    expect(r).toEqual({ gap: expect.objectContaining({ year: 2027 }) });
    expect(dualPublicationDue("2027-01-05", cal)).toEqual({ gap: expect.objectContaining({ year: 2027 }) });
  });
});

describe("graded supervision: the seeded 双随机 draw", () => {
  const subjects = Array.from({ length: 1000 }, (_, i) => ({ id: `S${String(i).padStart(4, "0")}`, level: i < 500 ? "低风险" : i < 800 ? "一般风险" : "高风险" }));

  it("mulberry32 is deterministic and uniform in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.01);
    // the reference implementation's first output for seed 1
    expect(mulberry32(1)()).toBe(0.6270739405881613);
  });

  it("is reproducible: same seed and period → same sample, whatever the input order", () => {
    const a = drawInspections(subjects, "2026-Q2", "cz-2026", SAMPLE_INSPECTION_RATES);
    const b = drawInspections([...subjects].reverse(), "2026-Q2", "cz-2026", SAMPLE_INSPECTION_RATES);
    expect(b).toEqual(a);
    expect(drawInspections(subjects, "2026-Q3", "cz-2026", SAMPLE_INSPECTION_RATES).selected).not.toEqual(a.selected);
    expect(drawInspections(subjects, "2026-Q2", "other", SAMPLE_INSPECTION_RATES).selected).not.toEqual(a.selected);
  });

  it("draws each level's share (low-risk less, high-risk more) among 1,000 subjects", () => {
    const d = drawInspections(subjects, "2026-Q2", "cz-2026", SAMPLE_INSPECTION_RATES);
    expect(d.levels["低风险"]).toEqual({ population: 500, rate: 0.05, drawn: 25 });
    expect(d.levels["一般风险"]).toEqual({ population: 300, rate: 0.15, drawn: 45 });
    expect(d.levels["高风险"]).toEqual({ population: 200, rate: 0.4, drawn: 80 });
    expect(d.selected).toHaveLength(150);
  });

  it("over many periods every subject of a level is drawn with probability ≈ its rate", () => {
    const periods = 400;
    const counts = new Map<string, number>();
    for (let p = 0; p < periods; p++) for (const s of drawInspections(subjects, `P${p}`, "cz", SAMPLE_INSPECTION_RATES).selected) counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
    for (const [level, rate] of Object.entries(SAMPLE_INSPECTION_RATES)) {
      const ids = subjects.filter((s) => s.level === level).map((s) => s.id);
      const freqs = ids.map((id) => (counts.get(id) ?? 0) / periods);
      const mean = freqs.reduce((a, x) => a + x, 0) / freqs.length;
      expect(Math.abs(mean - rate)).toBeLessThan(0.002);
      // no subject is favoured: each within 5 standard deviations of the rate
      const sd = Math.sqrt((rate * (1 - rate)) / periods);
      for (const f of freqs) expect(Math.abs(f - rate)).toBeLessThan(5 * sd);
    }
  });

  it("a fractional count is rounded at random, so small levels are still drawn at their rate", () => {
    const few = [
      { id: "A", level: "低风险" },
      { id: "B", level: "低风险" },
    ];
    let drawn = 0;
    for (let p = 0; p < 2000; p++) drawn += drawInspections(few, `P${p}`, "x", SAMPLE_INSPECTION_RATES).selected.length;
    expect(drawn / 2000 / 2).toBeCloseTo(0.05, 1);
  });

  it("refuses a level without a rate, a duplicate subject and a rate outside 0–1", () => {
    expect(() => drawInspections([{ id: "A", level: "D" }], "P", 1, SAMPLE_INSPECTION_RATES)).toThrow(/no rate for level D/);
    expect(() =>
      drawInspections(
        [
          { id: "A", level: "低风险" },
          { id: "A", level: "低风险" },
        ],
        "P",
        1,
        SAMPLE_INSPECTION_RATES,
      ),
    ).toThrow(/listed twice/);
    expect(() => drawInspections([], "P", 1, { 低风险: 1.5 })).toThrow(/within 0–1/);
  });
});

describe("graded supervision: levels and rates from cities/<city>/supervision.json", () => {
  const sup = loadSupervision("cities/changzhou");
  const facts = (extra: Partial<SupervisionFacts> = {}): SupervisionFacts => ({ key: "91320404MA1W7K3D6G", name: "示例", type: "法人及非法人组织", ...extra });
  const grade = (g: "A" | "B" | "C" | "D", source = "公共信用综合评价") => ({ grade: g, source, at: "2026-11-01T00:00:00.000Z" });

  it("both cities' files load, are sample data, and give low-risk subjects the lowest rate and high-risk the highest", () => {
    for (const f of [sup, loadSupervision("cities/suqian")]) {
      expect(f._note).toMatch(/示例数据/);
      const r = inspectionRates(f);
      expect(r.低风险).toBeLessThan(r.一般风险);
      expect(r.一般风险).toBeLessThan(r.高风险);
    }
    expect(inspectionRates(sup, "建筑垃圾运输处置").高风险).toBe(0.6);
    expect(inspectionRates(sup, "物业服务").高风险).toBe(0.4);
  });

  it("the worse of the comprehensive and the industry grade decides; lists and broken pledges raise it; none → unrated", () => {
    expect(supervisionLevelOf(facts({ comprehensive: grade("A") }), sup)).toEqual({ level: "低风险", why: ["公共信用综合评价 A（2026-11-01） → 低风险"] });
    const both = supervisionLevelOf(facts({ comprehensive: grade("A"), industry: grade("C", "住建·物业服务企业信用评价") }), sup);
    expect(both.level).toBe("高风险");
    expect(both.why).toHaveLength(2);
    expect(supervisionLevelOf(facts({ comprehensive: grade("A"), lists: ["建筑垃圾运输企业黑名单"] }), sup).level).toBe("高风险");
    expect(supervisionLevelOf(facts({ comprehensive: grade("B"), breachedCommitments: ["承诺第1号"] }), sup).why.join()).toContain("违反信用承诺 承诺第1号");
    expect(supervisionLevelOf(facts(), sup)).toEqual({ level: "一般风险", why: ["无信用评价结果，按一般风险"] });
  });

  it("cross-checks: every grade in exactly one level, named levels exist", () => {
    const bad = structuredClone(sup);
    bad.levels[0].grades = ["A", "B"];
    bad.listed = "极高风险";
    const problems = supervisionProblems(bad);
    expect(problems.join("\n")).toMatch(/B 同时属于/);
    expect(problems.join("\n")).toMatch(/listed: 极高风险/);
  });

  it("the same population, period and seed give the same draw over the levels the file sets", () => {
    const population = Array.from({ length: 300 }, (_, i) => ({ id: `S${String(i).padStart(4, "0")}`, level: ["低风险", "一般风险", "高风险"][i % 3] }));
    const a = drawInspections(population, "2026-Q2", "20260401", inspectionRates(sup, "建筑垃圾运输处置"));
    const b = drawInspections([...population].reverse(), "2026-Q2", "20260401", inspectionRates(sup, "建筑垃圾运输处置"));
    expect(b.selected).toEqual(a.selected);
    expect(a.levels.高风险.drawn).toBeGreaterThan(a.levels.低风险.drawn);
  });
});

describe("credit commitments (信用承诺)", () => {
  const pledge = { id: "CM1", commitmentNo: "不违建承诺第0001号", kind: "不违建承诺", violationKinds: ["违法建设"], signedDate: "2026-03-01", validUntil: "2027-02-28" };
  it("a sanction for a covered kind decided within the validity breaks the pledge", () => {
    expect(breachedBy([pledge], { decisionDate: "2026-06-01", violationKind: "违法建设" })).toEqual([pledge]);
  });
  it("another kind, a decision before signing or after the validity does not", () => {
    expect(breachedBy([pledge], { decisionDate: "2026-06-01", violationKind: "占道经营" })).toEqual([]);
    expect(breachedBy([pledge], { decisionDate: "2026-02-28", violationKind: "违法建设" })).toEqual([]);
    expect(breachedBy([pledge], { decisionDate: "2027-03-01", violationKind: "违法建设" })).toEqual([]);
    expect(breachedBy([{ ...pledge, validUntil: null }], { decisionDate: "2030-01-01", violationKind: "违法建设" })).toHaveLength(1);
  });
});
