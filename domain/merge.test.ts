import fs from "node:fs";
import path from "node:path";
import { bestMaster, CATEGORY_SCORE, categoryRelation, compare, haversineM, type MergeCase, type MergeSettings, settingsProblems, textSimilarity, WEIGHTS } from "./merge";

const cityFile = (city: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cities", city, "city.json"), "utf8"));
const settings: MergeSettings = cityFile("changzhou").merging;

/** Moves a point north by m metres (1° of latitude ≈ 111 195 m). */
const north = (lat: number, m: number) => lat + m / 111195;

const T0 = "2025-06-03T09:00:00+08:00";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60000).toISOString();

const order12345: MergeCase = {
  id: "C-1",
  originSystem: "hotline12345",
  externalId: "GD20250603000123",
  receivedAt: T0,
  cityCode: "3204",
  categoryCode: "010502",
  categoryPath: ["城乡建设", "市政设施", "窨井盖缺失"],
  title: "局前街窨井盖缺失",
  content: "来电人反映：天宁区局前街12号门口人行道上的窨井盖缺失了，晚上很危险，行人容易掉下去，要求尽快处理。",
  location: { lng: 119.96, lat: 31.78, address: "天宁区局前街12号", street: "天宁街道", districtCode: "320402", gridCode: "32040200100101" },
  status: "DISPATCHED",
};

const gridEvent: MergeCase = {
  id: "C-2",
  originSystem: "grid",
  externalId: "SJ-20250603-0042",
  receivedAt: at(20),
  cityCode: "3204",
  categoryCode: "010502",
  categoryPath: ["城乡建设", "市政设施", "窨井盖缺失"],
  title: "窨井盖缺失",
  content: "局前街12号附近人行道窨井盖缺失，存在安全隐患。",
  location: { lng: 119.96, lat: north(31.78, 30), address: "局前街12号附近", street: "天宁街道", gridCode: "32040200100101" },
  status: "RECEIVED",
};

const with_ = (c: MergeCase, patch: Partial<MergeCase> & { location?: MergeCase["location"] }): MergeCase => ({ ...c, ...patch, location: patch.location ?? c.location });

describe("the city settings", () => {
  test("both sample cities have valid merging settings whose related groups are real catalogue codes", () => {
    for (const city of ["changzhou", "suqian"]) {
      const s: MergeSettings = cityFile(city).merging;
      expect(settingsProblems(s)).toEqual([]);
      const codes = new Set(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cities", city, "categories.json"), "utf8")).categories.map((c: { code: string }) => c.code));
      for (const p of (s.related ?? []).flat()) expect([city, p, codes.has(p)]).toEqual([city, p, true]);
    }
  });

  test("settings that contradict themselves are named", () => {
    expect(settingsProblems({ ...settings, suggestAt: 0.9, mergeAt: 0.8 })).toEqual(["merging.suggestAt (0.9) must not exceed mergeAt (0.8)"]);
    expect(settingsProblems({ ...settings, related: [["0105x", "010502"]] })[0]).toMatch(/0105x/);
  });

  test("the weights add up to 1", () => {
    expect(Object.values(WEIGHTS).reduce((s, w) => s + w, 0)).toBeCloseTo(1, 10);
  });
});

describe("compare", () => {
  test("a 12345 order and a grid event about the same manhole 30 m and 20 minutes apart merge, every reason named", () => {
    const r = compare(order12345, gridEvent, settings);
    expect(r.decision).toBe("merge");
    expect(r.score).toBeGreaterThanOrEqual(settings.mergeAt);
    expect(r.reasons).toEqual({ distanceM: 30, minutesApart: 20, category: "same", textSimilarity: r.reasons.textSimilarity, sameGrid: true });
    expect(r.reasons.textSimilarity).toBeGreaterThan(0.3);
    expect(r.why).toContain("相距 30 米");
    expect(r.why).toContain("同一单元网格");
    expect(r.why).toContain("相隔 20 分钟");
    expect(r.why).toContain("同一事项（窨井盖缺失）");
    expect(r.why).toContain(`文本相似度 ${r.reasons.textSimilarity.toFixed(2)}`);
    expect(r.why).toMatch(/并案。$/);
    // symmetric
    expect(compare(gridEvent, order12345, settings)).toMatchObject({ score: r.score, decision: "merge" });
  });

  test("the score is the documented weighted sum", () => {
    const r = compare(order12345, gridEvent, settings);
    const expected = WEIGHTS.place * (1 - 30 / 150) + WEIGHTS.time * (1 - 20 / 240) + WEIGHTS.category * CATEGORY_SCORE.same + WEIGHTS.text * r.reasons.textSimilarity;
    expect(r.score).toBeCloseTo(expected, 3);
  });

  test("the same category 2 km apart does not merge", () => {
    const far = with_(gridEvent, { location: { lng: 119.96, lat: north(31.78, 2000) } });
    const r = compare(order12345, far, settings);
    expect(r).toMatchObject({ score: 0, decision: "none", reasons: { distanceM: 2000, category: "same" } });
    expect(r.why).toContain("相距 2000 米");
    expect(r.why).toContain("相距超过 150 米，不并案");
  });

  test("the same category two days apart does not merge", () => {
    const r = compare(order12345, with_(gridEvent, { receivedAt: at(2 * 24 * 60) }), settings);
    expect(r).toMatchObject({ score: 0, decision: "none", reasons: { minutesApart: 2880 } });
    expect(r.why).toContain("相隔超过 240 分钟");
  });

  test("different cities never merge", () => {
    expect(compare(order12345, with_(gridEvent, { cityCode: "3213" }), settings)).toMatchObject({ decision: "none", score: 0 });
  });

  test("a related-but-not-same category with similar text is suggested, not merged", () => {
    const broken = with_(gridEvent, {
      categoryCode: "010503",
      categoryPath: ["城乡建设", "市政设施", "窨井盖破损"],
      title: "窨井盖破损",
      content: "局前街12号人行道窨井盖破损松动，行人经过危险。",
      receivedAt: at(60),
      location: { lng: 119.96, lat: north(31.78, 40) },
    });
    const r = compare(order12345, broken, settings);
    expect(r.reasons.category).toBe("related");
    expect(r.reasons.textSimilarity).toBeGreaterThan(0.3);
    expect(r.decision).toBe("suggest");
    expect(r.why).toContain("相关事项（窨井盖缺失／窨井盖破损）");
    expect(r.why).toContain("疑似重复");
  });

  test("an unrelated category is never merged or suggested, however close", () => {
    const lamp = with_(gridEvent, { categoryCode: "010501", categoryPath: ["城乡建设", "市政设施", "路灯不亮"], title: "路灯不亮", content: "局前街12号路灯不亮" });
    const r = compare(order12345, lamp, settings);
    expect(r).toMatchObject({ decision: "none", score: 0, reasons: { category: "different" } });
    expect(r.why).toContain("不同事项（窨井盖缺失／路灯不亮）");
  });

  test("a coarser category of the same matter (parent) counts", () => {
    const coarse = with_(gridEvent, { categoryCode: "0105", categoryPath: ["城乡建设", "市政设施"] });
    const r = compare(order12345, coarse, settings);
    expect(r.reasons.category).toBe("parent");
    expect(r.why).toContain("上下级事项（市政设施⊃窨井盖缺失）");
    expect(r.decision).not.toBe("none");
  });

  test("without coordinates: the same unit grid counts as 0 m; otherwise the street/address must agree", () => {
    const noCoords = (c: MergeCase, loc: MergeCase["location"]) => with_(c, { location: loc });
    const a = noCoords(order12345, { gridCode: "32040200100101", address: "天宁区局前街12号", street: "天宁街道" });
    const sameGrid = compare(a, noCoords(gridEvent, { gridCode: "32040200100101" }), settings);
    expect(sameGrid.reasons).toMatchObject({ distanceM: 0, sameGrid: true });
    expect(sameGrid.why).toContain("同一单元网格");
    expect(sameGrid.decision).toBe("merge");

    const byAddress = compare(a, noCoords(gridEvent, { gridCode: "32040200100199", address: "局前街12号附近", street: "天宁街道" }), settings);
    expect(byAddress.reasons).toMatchObject({ distanceM: null, sameGrid: false });
    expect(byAddress.why).toContain("距离未知（地址相同、同在天宁街道）");
    expect(byAddress.decision).not.toBe("none");

    const unplaced = compare(a, noCoords(gridEvent, { address: "红梅公园东门", street: "红梅街道" }), settings);
    expect(unplaced).toMatchObject({ decision: "none", score: 0, reasons: { distanceM: null } });
    expect(unplaced.why).toContain("位置无法确认为同一处");
  });

  test("the same origin system's same external id never merges, nor does a case with itself", () => {
    const again = with_(order12345, { id: "C-9", receivedAt: at(5) });
    const r = compare(order12345, again, settings);
    expect(r).toMatchObject({ decision: "none", score: 0 });
    expect(r.why).toContain("同一来源系统（hotline12345）的同一编号 GD20250603000123");
    expect(compare(order12345, order12345, settings)).toMatchObject({ decision: "none", score: 0 });
    expect(compare(order12345, order12345, settings).why).toContain("同一案件");
    // the same external id in another system is another report
    expect(compare(order12345, with_(gridEvent, { externalId: order12345.externalId }), settings).decision).toBe("merge");
  });

  test("a bad receivedAt is an error, not a guess", () => {
    expect(() => compare(order12345, with_(gridEvent, { receivedAt: "yesterday" }), settings)).toThrow(RangeError);
  });
});

describe("textSimilarity", () => {
  test("identical texts are 1, unrelated ones near 0, a paraphrase in between", () => {
    const t = order12345.content;
    expect(textSimilarity(t, t)).toBe(1);
    expect(textSimilarity(t, "小区楼下每天晚上有人跳广场舞，音响声音太大，噪音扰民。")).toBeLessThan(0.1);
    const para = textSimilarity(t, gridEvent.content);
    expect(para).toBeGreaterThan(0.3);
    expect(para).toBeLessThan(1);
    expect(textSimilarity("", t)).toBe(0);
  });

  test("the agent's formula words say nothing: two different matters in the same formula stay apart", () => {
    expect(textSimilarity("来电人反映小区门口有人摆摊，要求尽快处理。", "来电人反映小区门口路灯不亮，要求尽快处理。")).toBeLessThan(0.2);
  });
});

describe("categoryRelation and haversineM", () => {
  test("same, parent (中类 or finer only), related by the city's groups, different", () => {
    const related = settings.related;
    expect(categoryRelation("010502", "010502", related)).toBe("same");
    expect(categoryRelation("0105", "010502", related)).toBe("parent");
    expect(categoryRelation("01", "010502", related)).toBe("different");
    expect(categoryRelation("010503", "010502", related)).toBe("related");
    expect(categoryRelation("010101", "010102", related)).toBe("related");
    expect(categoryRelation("010202", "010201", related)).toBe("related");
    expect(categoryRelation("010105", "011202", related)).toBe("related");
    expect(categoryRelation("010501", "010502", related)).toBe("different");
    expect(categoryRelation("", "010502", related)).toBe("different");
  });

  test("haversine: 0.001° of latitude is about 111 m", () => {
    expect(haversineM(119.96, 31.78, 119.96, 31.781)).toBeCloseTo(111.2, 0);
    expect(haversineM(119.96, 31.78, 119.96, 31.78)).toBe(0);
  });
});

describe("bestMaster", () => {
  const candidate = with_(gridEvent, { id: "C-NEW", externalId: "SJ-NEW", receivedAt: at(30) });
  const near = (id: string, metres: number, minutes: number, patch: Partial<MergeCase> = {}): MergeCase =>
    with_(order12345, { id, externalId: `GD-${id}`, receivedAt: at(minutes), location: { lng: 119.96, lat: north(31.78, metres), gridCode: order12345.location.gridCode }, ...patch });

  test("picks the closest, most similar open case among several, and shows the possible duplicates", () => {
    const best = near("M-best", 10, 25);
    const worse = near("M-worse", 120, 0);
    const relatedOnly = near("M-related", 40, 10, { categoryCode: "010503", categoryPath: ["城乡建设", "市政设施", "窨井盖破损"], title: "窨井盖破损", content: "局前街12号人行道井盖破损松动" });
    const far = near("M-far", 3000, 5);
    const lamp = near("M-lamp", 5, 5, { categoryCode: "010501", categoryPath: ["城乡建设", "市政设施", "路灯不亮"], title: "路灯不亮", content: "局前街路灯不亮" });
    const closed = near("M-closed", 0, 29, { status: "ARCHIVED" });
    const r = bestMaster(candidate, [far, worse, lamp, relatedOnly, closed, best, candidate], settings);
    expect(r.master?.case.id).toBe("M-best");
    expect(r.master?.comparison.decision).toBe("merge");
    const shown = r.suggestions.map((m) => m.case.id);
    expect(shown).toContain("M-related");
    expect(shown).not.toContain("M-far");
    expect(shown).not.toContain("M-lamp");
    expect(shown).not.toContain("M-closed");
    expect(shown).not.toContain("C-NEW");
    const scores = r.suggestions.map((m) => m.comparison.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  test("ties go to the earliest received", () => {
    const later = near("M-later", 20, 40);
    const earlier = near("M-earlier", 20, 20);
    const r = bestMaster(candidate, [later, earlier], settings);
    expect(r.master?.comparison.score).toBe(r.suggestions[0].comparison.score);
    expect(r.master?.case.id).toBe("M-earlier");
    expect(r.suggestions.map((m) => m.case.id)).toEqual(["M-later"]);
  });

  test("only possible duplicates: no master, the suggestions to show", () => {
    const relatedOnly = near("M-related", 60, 90, { categoryCode: "010503", categoryPath: ["城乡建设", "市政设施", "窨井盖破损"], title: "井盖松动", content: "局前街人行道井盖松动，踩上去有响声" });
    const r = bestMaster(candidate, [relatedOnly], settings);
    expect(r.master).toBeNull();
    expect(r.suggestions.map((m) => [m.case.id, m.comparison.decision])).toEqual([["M-related", "suggest"]]);
  });

  test("the same origin's same id is never the master, even when everything else matches", () => {
    const resent = with_(candidate, { id: "C-OLD", receivedAt: at(0) });
    expect(bestMaster(candidate, [resent], settings)).toEqual({ master: null, suggestions: [] });
  });
});
