import { applyChange, changedFile, exampleOf, suggest, withLearned, type FeedbackEntry } from "./learning";
import { cityProblems, loadCities, routeCase } from "./routing";

const cities = loadCities();
const cz = cities.find((c) => c.code === "3204")!;

let id = 0;
const feedback = (over: Partial<FeedbackEntry> & Pick<FeedbackEntry, "type" | "data">): FeedbackEntry => ({
  eventId: ++id,
  at: "2026-12-01T08:00:00.000Z",
  caseId: `TG-${id}`,
  cityCode: "3204",
  originSystem: "hotline12345",
  categoryPath: ["某平台新分类", "门前杂物"],
  categoryCode: null,
  title: "",
  content: "来电人反映楼道里邻居堆满纸箱旧家具，挡住了消防通道。",
  location: { city: "常州市", districtCode: "320402", district: "天宁区", street: "天宁街道", address: "天宁区局前街" },
  routing: null,
  ...over,
});

describe("labelled examples from people's routing decisions", () => {
  it("keeps the unit and the item: given by the agent, or inferred from the text and the rules", () => {
    const taken = exampleOf(feedback({ type: "ASSIGNED", data: { unitId: "CZ-TN-TN-JD", categoryCode: "010107", proposal: 2 } }), cities)!;
    expect(taken).toMatchObject({ kind: "assigned", positive: true, unitId: "CZ-TN-TN-JD", categoryCode: "010107", labelSource: "proposal" });

    const d = routeCase(
      { category: { path: [] }, appealType: "投诉", urgency: "一般", location: feedback({ type: "ASSIGNED", data: {} }).location as never, content: "楼道里堆满杂物挡住消防通道" },
      cities,
    ).decision;
    const unit = d.matched ? d.owner.unitId : "CZ-TN-TN-JD";
    const inferred = exampleOf(feedback({ type: "REASSIGNED", data: { from: "CZ-TN-CGJ", to: unit } }), cities)!;
    expect(inferred).toMatchObject({ kind: "reassigned", unitId: unit, hubUnitId: "CZ-TN-CGJ", labelSource: "inferred" });
    expect(inferred.categoryCode).toMatch(/^\d{4,8}$/);

    const refused = exampleOf(feedback({ type: "REFUSED", data: { unitId: "CZ-TN-CGJ", reason: "不属本单位职责" }, categoryCode: "010107" }), cities)!;
    expect(refused).toMatchObject({ kind: "refused", positive: false, unitId: "CZ-TN-CGJ", categoryCode: "010107" });
    expect(exampleOf(feedback({ type: "ASSIGNED", data: {} }), cities)).toBeNull();
  });

  it("trains the classifier on the people's texts: a new word they used decides afterwards", () => {
    const text = "来电人反映小区里有人用无人机偷拍住户阳台";
    const route = (cs: typeof cities) =>
      routeCase({ category: { path: ["其他"] }, appealType: "投诉", urgency: "一般", location: { districtCode: "320402", street: "天宁街道", address: "天宁区" }, content: text }, cs).decision;
    const x = exampleOf(feedback({ type: "ASSIGNED", content: "无人机偷拍", data: { unitId: "CZ-TN-GAFJ", categoryCode: "030201" } }), cities)!;
    expect(route(cities).reason).not.toContain("无人机");
    const learned = withLearned(cities, [x, { ...x, eventId: x.eventId + 1000, caseId: "TG-other" }]);
    expect(learned.find((c) => c.code === "3204")!.examples.length).toBe(cz.examples.length + 2);
    const after = route(learned);
    expect(after.reason).toContain("「无人机」");
    expect(after.matched && after.owner.unitId).toBe("CZ-TN-GAFJ");
  });
});

describe("suggestions: the data change that would have routed the people's cases", () => {
  it("proposes a mapping entry for an unmapped platform path, with the cases it routes now and with the change", () => {
    const xs = [1, 2, 3].map(
      (k) =>
        exampleOf(
          feedback({ type: "ASSIGNED", categoryPath: ["某平台新分类", "门前杂物"], content: `来电人反映第${k}件事，请派人看看。`, data: { unitId: "CZ-TN-TN-JD", categoryCode: "010107" } }),
          cities,
        )!,
    );
    const s = suggest(xs, cities).find((x) => x.kind === "mapping")!;
    expect(s).toMatchObject({ cityCode: "3204", code: "010107", support: 3, file: "cities/changzhou/mappings/hotline12345.json" });
    expect(s.change).toEqual({ op: "mapping", system: "hotline12345", from: ["某平台新分类", "门前杂物"], to: "010107" });
    expect(s.routedNow).toBe(0);
    expect(s.routedWith).toBe(3);
    expect(s.summary).toContain("平台分类「某平台新分类/门前杂物」映射到派单目录");

    const changed = applyChange(cz, s.change);
    expect(cityProblems(changed)).toEqual([]);
    expect(cz.mappings.hotline12345.paths.some((p) => p.from.join("/") === "某平台新分类/门前杂物")).toBe(false); // the live data is untouched
    const file = changedFile(cz, s.change);
    expect((file.content as { paths: { from: string[] }[] }).paths.some((p) => p.from.join("/") === "某平台新分类/门前杂物")).toBe(true);
  });

  it("never maps a vague path (其他) onto one item, and says nothing when the data already routes the cases", () => {
    const vague = exampleOf(feedback({ type: "ASSIGNED", categoryPath: ["其他", "其他诉求"], content: "来电人反映第九件事", data: { unitId: "CZ-TN-TN-JD", categoryCode: "010107" } }), cities)!;
    expect(suggest([vague], cities).filter((s) => s.kind === "mapping")).toEqual([]);
    const fine = exampleOf(
      feedback({ type: "ASSIGNED", categoryPath: ["城乡建设", "市容管理", "乱堆乱放"], content: "楼下乱堆乱放", data: { unitId: "CZ-TN-TN-JD", categoryCode: "010107" } }),
      cities,
    )!;
    expect(suggest([fine], cities)).toEqual([]);
  });
});
