import fs from "node:fs";
import { seededRandom } from "../lib/random";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../contracts";
import { categoryCode, cityFor, completeLocation, mapCategory, routeCase, decide, findUnit, loadCities, type CityData, type RoutingDecision, type RoutingInput } from "./routing";
import { AREAS, generateOrder, TOPICS, toCaseDraft } from "../adapters/hotline12345/mapping";

const cities = loadCities();
const cz = cities.find((c) => c.code === "3204")!;
const sq = cities.find((c) => c.code === "3213")!;

type Matched = Extract<RoutingDecision, { matched: true }>;
type Unmatched = Extract<RoutingDecision, { matched: false }>;

function matched(d: RoutingDecision): Matched {
  if (!d.matched) throw new Error(`expected a match, got: ${d.reason}`);
  return d;
}
function unmatched(d: RoutingDecision): Unmatched {
  if (d.matched) throw new Error(`expected no match, got ${d.owner.unitId} by ${d.ruleId}`);
  return d;
}

/** A case in 常州市钟楼区南大街街道 (grid of sample 1) with the given category. */
function zhonglou(pathParts: string[], extra: Partial<RoutingInput> = {}): RoutingInput {
  return {
    category: { path: pathParts },
    appealType: "投诉",
    urgency: "一般",
    location: { gridCode: "32040400100301", address: "常州市钟楼区南大街" },
    ...extra,
  };
}

// ------------------------------------------------------------------------------------------
// The sample work orders (/work/shared/samples), mapped from their Chinese keys.
// ------------------------------------------------------------------------------------------

interface SampleOrder {
  工单编号: string;
  诉求类型: string;
  诉求分类: string[];
  事发地址: string;
  区域: { 市: string; 区县: string; 街道: string };
  单元网格编码: string;
  紧急程度: string;
  承办单位: string;
  协办单位: string[];
}

const SAMPLES_FILE = path.resolve(ROOT, "..", "shared", "samples", "work-orders.sample.json");
const samplesFile = [SAMPLES_FILE, "/work/shared/samples/work-orders.sample.json"].find((f) => fs.existsSync(f))!;
const samples: SampleOrder[] = JSON.parse(fs.readFileSync(samplesFile, "utf8"));

function sampleInput(s: SampleOrder): RoutingInput {
  const city = cities.find((c) => c.name === s.区域.市);
  const districtCode = city && Object.keys(city.city.districtCodes).find((d) => city.city.districtCodes[d] === s.区域.区县);
  return {
    category: { path: s.诉求分类 },
    appealType: s.诉求类型,
    urgency: s.紧急程度,
    location: { districtCode, gridCode: s.单元网格编码, street: s.区域.街道, city: s.区域.市, address: s.事发地址 },
  };
}

/** "常州市排水管理处(示例)" → "常州市排水管理处"; "武进区市场监督管理局(特种设备)" → "武进区市场监督管理局". */
const plain = (name: string) => name.replace(/[（(][^）)]*[)）]/g, "").trim();
/** Same unit, allowing the sample to omit the city prefix ("市公安局交通警察支队"). */
const sameUnit = (ours: string, theirs: string) => ours === plain(theirs) || ours.endsWith(plain(theirs).replace(/^市/, ""));

describe("shipped city data", () => {
  test("loads and validates both cities", () => {
    expect(cities.map((c) => c.code).sort()).toEqual(["3204", "3213"]);
    expect(cz.name).toBe("常州市");
    expect(Object.keys(cz.city.districtCodes).sort()).toEqual(["320402", "320404", "320411", "320412", "320413", "320481"]);
    expect(Object.keys(sq.city.districtCodes).sort()).toEqual(["321302", "321311", "321322", "321323", "321324"]);
    for (const c of cities) expect(c.city._note).toMatch(/示例数据/);
  });

  test("every street office has a 9-digit street code inside its district, and the sample streets exist", () => {
    for (const c of cities) {
      const streets = c.units.filter((u) => u.kind === "street");
      expect(streets.length).toBeGreaterThan(Object.keys(c.city.districtCodes).length * 3);
      for (const u of streets) {
        expect(u.streetCode).toMatch(/^[0-9]{9}$/);
        expect(u.streetCode.startsWith(u.districtCode)).toBe(true);
      }
    }
    const byCode = (city: CityData, code: string) => city.units.find((u) => u.kind === "street" && u.streetCode === code)?.name;
    expect(byCode(cz, "320404001")).toBe("钟楼区南大街街道办事处");
    expect(byCode(cz, "320411003")).toBe("新北区龙虎塘街道办事处");
    expect(byCode(cz, "320402004")).toBe("天宁区茶山街道办事处");
    expect(byCode(cz, "320402005")).toBe("天宁区青龙街道办事处");
    expect(byCode(cz, "320412003")).toBe("武进区西湖街道办事处");
    expect(byCode(cz, "320413001")).toBe("金坛区东城街道办事处");
    expect(byCode(sq, "321311001")).toBe("宿豫区顺河街道办事处");
    expect(byCode(sq, "321302004")).toBe("宿城区古城街道办事处");
  });

  test("unit ids are unique across cities and city-level units have no district", () => {
    const ids = cities.flatMap((c) => c.units.map((u) => u.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(findUnit("CZ-GAJ-JJZD", cities)?.unit.districtCode).toBeUndefined();
    expect(findUnit("CZ-ZL-CGJ", cities)?.unit.districtCode).toBe("320404");
  });

  test("every sample category path is in its city's taxonomy with a 6-digit code", () => {
    for (const s of samples) {
      const city = cities.find((c) => c.name === s.区域.市)!;
      const entry = city.categories.find((e) => e.path.join("/") === s.诉求分类.join("/"));
      expect(entry).toBeDefined();
      expect(categoryCode(s.诉求分类, city)).toMatch(/^[0-9]{6}$/);
    }
  });

  test("the taxonomy reaches well beyond the samples", () => {
    for (const c of cities) {
      expect(c.categories.length).toBeGreaterThan(100);
      const level2 = new Set(c.categories.filter((e) => e.path.length === 2).map((e) => e.path[1]));
      for (const name of [
        "市容管理",
        "环境卫生",
        "建筑垃圾",
        "市政设施",
        "排水防涝",
        "园林绿化",
        "物业管理",
        "道路交通秩序",
        "非法营运",
        "超限超载",
        "噪音扰民",
        "大气污染",
        "供水",
        "供电",
        "供气",
        "食品安全",
        "特种设备",
      ]) {
        expect(level2.has(name)).toBe(true);
      }
    }
  });
});

describe("the 8 sample work orders", () => {
  // owner, co-units and rule chosen for each sample (by 工单编号)
  const expected: Record<string, { rule: string; owner: string; co: string[]; principle: "属地" | "条线" }> = {
    CZ2406110000093: { rule: "CZ-R010", owner: "CZ-ZL-NDJ-JD", co: [], principle: "属地" },
    CZ2406120000018: { rule: "CZ-R030", owner: "CZ-XB-CGJ", co: ["CZ-XB-HWC"], principle: "条线" },
    CZ2406130000088: { rule: "CZ-R020", owner: "CZ-TN-HWC", co: [], principle: "条线" },
    CZ2406140000066: { rule: "CZ-R073", owner: "CZ-WJ-ZJJ", co: ["CZ-WJ-XH-JD"], principle: "条线" },
    SQ2406150000012: { rule: "SQ-R100", owner: "SQ-SY-JJDD", co: ["SQ-SY-XFDD", "SQ-SY-SH-JD"], principle: "条线" },
    CZ2406160000020: { rule: "CZ-R040", owner: "CZ-JT-CGJ", co: [], principle: "条线" },
    SQ2406180000055: { rule: "SQ-R069", owner: "SQ-ZJJ", co: [], principle: "条线" },
    CZ2406200000009: { rule: "CZ-R001", owner: "CZ-PSGLC", co: ["CZ-GAJ-JJZD", "CZ-TN-QL-JD"], principle: "条线" },
  };

  test("there are 8 samples and each has an expectation", () => {
    expect(samples).toHaveLength(8);
    expect(samples.map((s) => s.工单编号).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(samples.map((s) => [s.工单编号, s] as const))("%s routes to a sensible owner with a reason", (no, s) => {
    const want = expected[no];
    const d = matched(decide(sampleInput(s), cities));
    expect(d.cityCode).toBe(s.工单编号.startsWith("CZ") ? "3204" : "3213");
    expect(d.ruleId).toBe(want.rule);
    expect(d.owner.unitId).toBe(want.owner);
    expect(d.coUnits.map((u) => u.unitId)).toEqual(want.co);
    expect(d.principle).toBe(want.principle);
    // the owner is in the same district (or is the same unit) as the sample's 承办单位
    const district = s.区域.区县;
    if (s.承办单位.startsWith(district)) expect(d.owner.unitName.startsWith(district)).toBe(true);
    else expect(sameUnit(d.owner.unitName, s.承办单位)).toBe(true);
    // every co-unit we choose is one the sample's 12345 also chose
    for (const u of d.coUnits) expect(s.协办单位.some((t) => sameUnit(u.unitName, t))).toBe(true);
    // the reason names the rule, the principle, the category and the owner
    expect(d.reason).toContain(`按规则 ${want.rule}「${d.ruleName}」(${want.principle}`);
    expect(d.reason).toContain(s.诉求分类.join("/"));
    expect(d.reason).toContain(`派${d.owner.unitName}`);
  });

  test("samples whose 12345 owner we reproduce exactly", () => {
    const same = samples.filter((s) => sameUnit(matched(decide(sampleInput(s), cities)).owner.unitName, s.承办单位)).map((s) => s.工单编号);
    // all but sample 1, where the street office (事件先属地) is chosen over the district 城管局
    expect(same.sort()).toEqual(
      Object.keys(expected)
        .filter((n) => n !== "CZ2406110000093")
        .sort(),
    );
  });

  test("sample 1's reason explains the locality from the grid code", () => {
    const d = matched(decide(sampleInput(samples[0]), cities));
    expect(d.reason).toMatch(/^按规则 CZ-R010「占道经营」\(属地，事件先属地、后属主\)：诉求分类「城乡建设\/市容管理\/占道经营」，网格 32040400100301 属南大街街道，派钟楼区南大街街道办事处。/);
  });
});

describe("locating the case", () => {
  test("the grid code alone gives city, district and street", () => {
    const d = matched(decide(zhonglou(["城乡建设", "市容管理", "占道经营"]), cities));
    expect(d.owner.unitId).toBe("CZ-ZL-NDJ-JD");
  });

  test("without a grid code the street is found by district and street name", () => {
    const d = matched(decide(zhonglou(["城乡建设", "市容管理", "占道经营"], { location: { city: "常州市", district: "钟楼区", street: "南大街街道", address: "南大街" } }), cities));
    expect(d.owner.unitId).toBe("CZ-ZL-NDJ-JD");
    expect(d.reason).toContain("事发街道为南大街街道");
  });

  test("a grid code of an unknown street falls back to the street name", () => {
    const d = matched(decide(zhonglou(["城乡建设", "市容管理", "占道经营"], { location: { gridCode: "32040409900101", street: "荷花池街道", address: "x" } }), cities));
    expect(d.owner.unitId).toBe("CZ-ZL-HHC-JD");
  });

  test("cityFor uses the district code, then the grid code, then the name", () => {
    expect(cityFor({ districtCode: "321322" }, cities)?.code).toBe("3213");
    expect(cityFor({ gridCode: "32041300100306" }, cities)?.code).toBe("3204");
    expect(cityFor({ city: "宿迁" }, cities)?.code).toBe("3213");
    expect(cityFor({ districtCode: "320105", city: "常州市" }, cities)?.code).toBe("3204");
    expect(cityFor({ districtCode: "320105" }, cities)).toBeUndefined();
    expect(cityFor({}, cities)).toBeUndefined();
  });

  test("categoryCode: exact path, else the longest known prefix, else null", () => {
    expect(categoryCode(["城乡建设", "市容管理", "占道经营"], cz)).toBe("010101");
    expect(categoryCode(["城乡建设", "市容管理", "占道经营", "早餐摊"], cz)).toBe("010101");
    expect(categoryCode(["城乡建设", "市容管理", "没有的小类"], cz)).toBe("0101");
    expect(categoryCode(["不存在的大类"], cz)).toBeNull();
  });

  test("findUnit returns the unit with its city, or undefined", () => {
    const f = findUnit("SQ-SY-JJDD", cities);
    expect(f?.unit.name).toBe("宿迁市公安局交通警察支队宿豫大队");
    expect(f?.city.code).toBe("3213");
    expect(findUnit("NOPE-1", cities)).toBeUndefined();
  });
});

describe("component vs event ordering (部件先属主、后属地；事件先属地、后属主)", () => {
  test("at the same place an event goes to the street office, a component to its owner", () => {
    const event = matched(decide(zhonglou(["城乡建设", "市容管理", "占道经营"]), cities));
    const component = matched(decide(zhonglou(["城乡建设", "市政设施", "窨井盖缺失"]), cities));
    expect(event.owner.unitId).toBe("CZ-ZL-NDJ-JD");
    expect(event.principle).toBe("属地");
    expect(event.reason).toContain("事件先属地、后属主");
    expect(component.owner.unitId).toBe("CZ-ZL-CGJ");
    expect(component.principle).toBe("条线");
    expect(component.reason).toContain("部件先属主、后属地");
    // the locality still helps with the component (warning signs)
    expect(component.coUnits.map((u) => u.unitId)).toEqual(["CZ-ZL-NDJ-JD"]);
  });

  test("every component rule in the data is 条线 and starts with a functional unit", () => {
    for (const c of cities) {
      for (const r of c.rules.filter((x) => x.kind === "部件")) {
        expect(r.principle).toBe("条线");
        expect("street" in r.owners[0]).toBe(false);
      }
    }
  });

  test("a component whose owner refuses goes to the locality last (后属地)", () => {
    const input: RoutingInput = {
      category: { path: ["城乡建设", "市政设施", "路灯不亮"] },
      appealType: "求助",
      urgency: "较急",
      location: { gridCode: "32041300100306", address: "金坛区东门大街" },
    };
    expect(matched(decide(input, cities, ["CZ-JT-CGJ"])).owner.unitId).toBe("CZ-CGJ");
    const last = matched(decide(input, cities, ["CZ-JT-CGJ", "CZ-CGJ"]));
    expect(last.owner.unitId).toBe("CZ-JT-DC-JD");
    expect(last.principle).toBe("属地");
    expect(last.reason).toContain("金坛区城市管理局已退单");
    expect(last.reason).toContain("常州市城市管理局已退单");
  });
});

describe("match conditions", () => {
  test("urgency: urgent flooding goes to the city drainage office, ordinary flooding to the district", () => {
    const s8 = sampleInput(samples.find((s) => s.工单编号 === "CZ2406200000009")!);
    expect(matched(decide(s8, cities)).owner.unitId).toBe("CZ-PSGLC");
    const ordinary = matched(decide({ ...s8, urgency: "一般" }, cities));
    expect(ordinary.ruleId).toBe("CZ-R050");
    expect(ordinary.owner.unitId).toBe("CZ-TN-CGJ");
  });

  test("appeal type: a 物业收费 consultation goes to the city housing bureau, a complaint to the district", () => {
    const s7 = sampleInput(samples.find((s) => s.工单编号 === "SQ2406180000055")!);
    expect(matched(decide(s7, cities)).owner.unitId).toBe("SQ-ZJJ");
    const complaint = matched(decide({ ...s7, appealType: "投诉" }, cities));
    expect(complaint.ruleId).toBe("SQ-R073");
    expect(complaint.owner.unitId).toBe("SQ-SC-ZJJ");
    expect(complaint.coUnits.map((u) => u.unitId)).toEqual(["SQ-SC-GC-JD"]);
  });

  test("district: 溧阳市 occupies-the-road goes to its 城市管理局, elsewhere to the street", () => {
    const input: RoutingInput = {
      category: { path: ["城乡建设", "市容管理", "占道经营"] },
      appealType: "投诉",
      urgency: "一般",
      location: { gridCode: "32048100100101", address: "溧阳市溧城街道" },
    };
    const d = matched(decide(input, cities));
    expect(d.ruleId).toBe("CZ-R009");
    expect(d.owner.unitId).toBe("CZ-LY-CGJ");
    expect(d.coUnits.map((u) => u.unitId)).toEqual(["CZ-LY-LC-JD"]);
    expect(matched(decide(zhonglou(["城乡建设", "市容管理", "占道经营"]), cities)).ruleId).toBe("CZ-R010");
  });

  test("category code: a rule by code prefix takes an unknown sub-category and a code-only input", () => {
    const byPath = matched(decide(zhonglou(["市场监管", "新出现的问题"]), cities));
    expect(byPath.ruleId).toBe("CZ-R151");
    expect(byPath.owner.unitId).toBe("CZ-ZL-SJJ");
    const byCode = matched(decide(zhonglou(["食品", "餐饮"], { category: { path: ["食品", "餐饮"], code: "060101" } }), cities));
    expect(byCode.ruleId).toBe("CZ-R151");
  });

  test("a more specific rule wins over a later general one", () => {
    const lift = matched(decide(zhonglou(["城乡建设", "物业管理", "电梯故障"]), cities));
    expect(lift.ruleId).toBe("CZ-R072");
    expect(lift.coUnits.map((u) => u.unitId)).toEqual(["CZ-ZL-NDJ-JD", "CZ-ZL-SJJ"]);
    const committee = matched(decide(zhonglou(["城乡建设", "物业管理", "业委会"]), cities));
    expect(committee.owner.unitId).toBe("CZ-ZL-NDJ-JD");
    expect(committee.principle).toBe("属地");
  });
});

describe("refusal (退单) exclusion", () => {
  test("a refusing street office passes the case to the next owner of the same rule", () => {
    const d = matched(decide(zhonglou(["城乡建设", "市容管理", "占道经营"]), cities, ["CZ-ZL-NDJ-JD"]));
    expect(d.ruleId).toBe("CZ-R010");
    expect(d.owner).toEqual({ unitId: "CZ-ZL-CGJ", unitName: "钟楼区城市管理局" });
    expect(d.principle).toBe("条线");
    expect(d.reason).toContain("钟楼区南大街街道办事处已退单");
    expect(d.reason).toContain("事件先属地、后属主");
  });

  test("when a rule's chain is exhausted the next matching rule is tried", () => {
    const s8 = sampleInput(samples.find((s) => s.工单编号 === "CZ2406200000009")!);
    const d = matched(decide(s8, cities, ["CZ-PSGLC"]));
    expect(d.ruleId).toBe("CZ-R050");
    expect(d.owner.unitId).toBe("CZ-TN-CGJ");
    expect(d.coUnits.map((u) => u.unitId)).toEqual(["CZ-TN-QL-JD"]);
  });

  test("refused units are dropped from the co-units too", () => {
    const s5 = sampleInput(samples.find((s) => s.工单编号 === "SQ2406150000012")!);
    const d = matched(decide(s5, cities, ["SQ-SY-XFDD"]));
    expect(d.owner.unitId).toBe("SQ-SY-JJDD");
    expect(d.coUnits.map((u) => u.unitId)).toEqual(["SQ-SY-SH-JD"]);
  });

  test("when every candidate refused, there is no match and the reason lists the refusals", () => {
    const d = unmatched(decide(zhonglou(["城乡建设", "市容管理", "占道经营"]), cities, ["CZ-ZL-NDJ-JD", "CZ-ZL-CGJ"]));
    expect(d.cityCode).toBe("3204");
    expect(d.reason).toContain("CZ-R010");
    expect(d.reason).toContain("钟楼区城市管理局已退单");
    expect(d.reason).toContain("转人工分拨");
  });
});

describe("no match", () => {
  test("a category no rule covers goes to triage with the reason", () => {
    const d = unmatched(decide(zhonglou(["其他", "其他诉求"]), cities));
    expect(d.cityCode).toBe("3204");
    expect(d.reason).toContain("没有适用于诉求分类「其他/其他诉求」");
    expect(d.reason).toContain("钟楼区");
  });

  test("a place outside the connected cities gives cityCode null", () => {
    const d = unmatched(decide({ ...zhonglou(["城乡建设", "市容管理", "占道经营"]), location: { districtCode: "320105", address: "南京市建邺区" } }, cities));
    expect(d.cityCode).toBeNull();
    expect(d.reason).toContain("320105");
    expect(d.reason).toContain("常州市、宿迁市");
  });

  test("a 属地 rule without any place falls back to the owner, and says why", () => {
    const d = matched(decide({ ...zhonglou(["城乡建设", "市容管理", "占道经营"]), location: { districtCode: "320404", address: "钟楼区某处" } }, cities));
    expect(d.owner.unitId).toBe("CZ-ZL-CGJ");
    expect(d.reason).toContain("未能从网格编码或街道名称确定事发街道");
  });
});

// ------------------------------------------------------------------------------------------
// The 12345 simulator's generated stream: everything routes except the one deliberate triage topic.
// ------------------------------------------------------------------------------------------

describe("generated 12345 orders (adapters/hotline12345 TOPICS × AREAS)", () => {
  /** The one topic kept without a rule so the demo shows the triage queue (see TOPICS). */
  const TRIAGE_PATH = "其他/其他诉求";
  const isTriageTopic = (category: string[]) => category.join("/") === TRIAGE_PATH;
  const cityOfDistrict = (districtCode: string) => cities.find((c) => districtCode.startsWith(c.code))!;

  const seeded = seededRandom;

  /** The routing input the hub builds from a 12345 work order (via the case draft). */
  function orderInput(order: ReturnType<typeof generateOrder>): RoutingInput {
    const d = toCaseDraft(order);
    return { category: d.category, appealType: d.appealType, urgency: d.urgency, location: d.location };
  }

  test("exactly one topic is the deliberate triage topic", () => {
    expect(TOPICS.filter((t) => isTriageTopic(t.category))).toHaveLength(1);
  });

  test("every topic's category path is in the taxonomy of every city it is generated in", () => {
    for (const t of TOPICS) {
      for (const c of new Set(AREAS.map((a) => cityOfDistrict(a.districtCode)))) {
        expect([c.code, c.categories.some((e) => e.path.join("/") === t.category.join("/"))]).toEqual([c.code, true]);
      }
    }
  });

  test("every area's street code names that street office (the grid code finds the right street)", () => {
    for (const a of AREAS) {
      const u = cityOfDistrict(a.districtCode).units.find((x) => x.kind === "street" && x.streetCode === `${a.districtCode}${a.streetCode}`);
      expect([a.street, u?.kind === "street" ? u.streetName : undefined]).toEqual([a.street, a.street]);
    }
  });

  test("every topic but the triage one has a rule in every district of every city", () => {
    const misses: string[] = [];
    for (const c of cities) {
      for (const districtCode of Object.keys(c.city.districtCodes)) {
        const street = c.units.find((u) => u.kind === "street" && u.districtCode === districtCode)!;
        const gridCode = `${street.kind === "street" ? street.streetCode : ""}00101`;
        for (const t of TOPICS.filter((x) => !isTriageTopic(x.category!))) {
          const d = decide({ category: { path: t.category }, appealType: t.appealType, urgency: t.urgency, location: { districtCode, gridCode, address: "x" } }, cities);
          const owner = d.matched ? findUnit(d.owner.unitId, cities)!.unit : undefined;
          if (!d.matched) misses.push(`${c.name}${c.city.districtCodes[districtCode]} ${t.category.join("/")}: ${d.reason}`);
          else if (owner!.districtCode !== undefined && owner!.districtCode !== districtCode) {
            misses.push(`${c.name}${c.city.districtCodes[districtCode]} ${t.category.join("/")}: owner ${owner!.name} is in another district`);
          }
        }
      }
    }
    expect(misses).toEqual([]);
  });

  test("a 2000-order fixed-seed batch: all routed except the triage topic, owners in the order's district and street", () => {
    const rand = seeded(20240611);
    const now = new Date("2024-06-11T02:00:00Z");
    const orders = Array.from({ length: 2000 }, (_, i) => generateOrder(i + 1, now, rand));
    const problems: string[] = [];
    let triage = 0;
    for (const o of orders) {
      const d = decide(orderInput(o), cities);
      const what = `${o.orderNo} ${o.region!.district}${o.region!.street} ${o.category!.join("/")}`;
      if (isTriageTopic(o.category!)) {
        if (d.matched) problems.push(`${what}: the triage topic was routed to ${d.owner.unitName}`);
        else triage++;
        continue;
      }
      if (!d.matched) {
        problems.push(`${what}: ${d.reason}`);
        continue;
      }
      expect(d.cityCode).toBe(o.region!.districtCode!.slice(0, 4));
      const owner = findUnit(d.owner.unitId, cities)!.unit;
      if (owner.districtCode !== undefined && owner.districtCode !== o.region!.districtCode) {
        problems.push(`${what}: owner ${owner.name} is in district ${owner.districtCode}`);
      }
      if (owner.kind === "street" && owner.streetName !== o.region!.street) problems.push(`${what}: owner ${owner.name} is another street`);
    }
    expect(problems).toEqual([]);
    // the triage queue still shows in the demo, but only for the one low-weight topic (1 in TOPICS.length)
    expect(triage).toBeGreaterThan(0);
    expect(triage / orders.length).toBeLessThan(0.08);
  });
});

// ------------------------------------------------------------------------------------------
// Broken data files must stop loading with the file, the rule and the reason.
// ------------------------------------------------------------------------------------------

describe("loading broken data", () => {
  const tmpDirs: string[] = [];
  afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** A copy of the shipped changzhou folder, with one file edited. */
  function brokenCopy(file: string, edit: (data: any) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tongguan-cities-"));
    tmpDirs.push(dir);
    fs.cpSync(path.join(ROOT, "cities", "changzhou"), path.join(dir, "changzhou"), { recursive: true });
    const f = path.join(dir, "changzhou", file);
    const data = JSON.parse(fs.readFileSync(f, "utf8"));
    edit(data);
    fs.writeFileSync(f, JSON.stringify(data, null, 2));
    return dir;
  }
  const loadError = (dir: string): string => {
    try {
      loadCities(dir);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("loadCities accepted broken data");
  };

  test("the unedited copy loads (the fixture itself is sound)", () => {
    expect(loadCities(brokenCopy("rules.json", () => {}))[0].rules.length).toBe(cz.rules.length);
  });

  test("a rule referencing an unknown unit", () => {
    const dir = brokenCopy("rules.json", (d) => d.rules.push({ ...d.rules[0], id: "CZ-R999", owners: [{ unit: "CZ-NOPE" }] }));
    const msg = loadError(dir);
    expect(msg).toContain("changzhou/rules.json");
    expect(msg).toContain("CZ-R999");
    expect(msg).toContain("CZ-NOPE");
  });

  test("a rule with an unknown field value names the file, the rule and the field", () => {
    const dir = brokenCopy("rules.json", (d) => (d.rules[3].principle = "随便"));
    const msg = loadError(dir);
    expect(msg).toContain("changzhou/rules.json");
    expect(msg).toContain(`/rules/3 (规则 ${cz.rules[3].id})/principle`);
  });

  test("a byDistrict entry pointing at another district's unit", () => {
    const dir = brokenCopy("rules.json", (d) => {
      const r = d.rules.find((x: any) => x.id === "CZ-R030");
      r.owners[0].byDistrict["320404"] = "CZ-TN-CGJ";
    });
    const msg = loadError(dir);
    expect(msg).toContain("CZ-R030");
    expect(msg).toContain("属于另一区县 320402");
  });

  test("a component rule that starts with the locality", () => {
    const dir = brokenCopy("rules.json", (d) => {
      const r = d.rules.find((x: any) => x.id === "CZ-R040");
      r.principle = "属地";
      r.owners = [{ street: true }, ...r.owners];
    });
    const msg = loadError(dir);
    expect(msg).toContain("CZ-R040");
    expect(msg).toContain("部件先属主、后属地");
  });

  test("a category prefix that is not in the taxonomy", () => {
    const dir = brokenCopy("rules.json", (d) => (d.rules.find((x: any) => x.id === "CZ-R010").match.categoryPrefixes = [["城乡建设", "市容管理", "占到经营"]]));
    expect(loadError(dir)).toMatch(/CZ-R010.*占到经营.*不在 categories\.json 中/);
  });

  test("a street code outside its district, and a duplicate unit id", () => {
    const dir = brokenCopy("units.json", (d) => {
      d.units[0].streetCode = "320499001";
      d.units.push({ ...d.units[1] });
    });
    const msg = loadError(dir);
    expect(msg).toContain("changzhou/units.json");
    expect(msg).toContain(`单位 ${cz.units[0].id}: 街道编码 320499001`);
    expect(msg).toContain(`单位 ${cz.units[1].id}: 编号重复`);
  });

  test("a category whose parent is missing", () => {
    const dir = brokenCopy("categories.json", (d) => d.categories.push({ code: "990101", path: ["无此大类", "无此中类", "某小类"] }));
    expect(loadError(dir)).toMatch(/categories\.json: 分类 990101.*缺少上级分类/);
  });

  test("a file that is not JSON", () => {
    const dir = brokenCopy("city.json", () => {});
    fs.writeFileSync(path.join(dir, "changzhou", "city.json"), "{ not json");
    expect(loadError(dir)).toMatch(/not valid JSON: .*changzhou\/city\.json/);
  });
});

describe("completeLocation: a place that came without a district code", () => {
  const cities = loadCities();
  it("takes it from the grid code, the district name, or a street name that only one district has", () => {
    expect(completeLocation({ gridCode: "32040400100301" }, cities).districtCode).toBe("320404");
    expect(completeLocation({ district: "钟楼区" }, cities).districtCode).toBe("320404");
    expect(completeLocation({ district: "钟楼" }, cities).districtCode).toBe("320404");
    expect(completeLocation({ street: "南大街街道" }, cities).districtCode).toBe("320404");
  });
  it("keeps a code it was given, and guesses nothing when nothing fits", () => {
    expect(completeLocation({ districtCode: "320402", district: "钟楼区" }, cities).districtCode).toBe("320402");
    expect(completeLocation({ district: "不存在区" }, cities).districtCode).toBeUndefined();
    expect(completeLocation({ gridCode: "11010100100301" }, cities).districtCode).toBeUndefined();
  });
});

describe("mapCategory: a platform's category onto the city's taxonomy", () => {
  const cz = loadCities().find((c) => c.name === "常州市")!;
  it("keeps an exact path, maps a leaf filed under another parent, else falls back to the longest prefix", () => {
    expect(mapCategory(["城乡建设", "市容管理", "占道经营"], cz)).toMatchObject({ entry: { code: "010101" }, via: "exact" });
    const m = mapCategory(["某平台", "市容环境", "占道经营"], cz);
    expect(m.entry?.path).toEqual(["城乡建设", "市容管理", "占道经营"]);
    expect(m.via).toBe("leaf");
    // an unknown leaf: the next level up that the taxonomy knows
    expect(mapCategory(["城乡建设", "市容管理", "从未见过的叶子"], cz)).toMatchObject({ entry: { path: ["城乡建设", "市容管理"], code: "0101" }, via: "prefix" });
    expect(mapCategory(["完全未知"], cz).entry).toBeNull();
    expect(mapCategory(["综合"], cz)).toMatchObject({ via: "vague", entry: null });
    expect(mapCategory(["综合", "不清楚"], cz, "hotline12345")).toMatchObject({ via: "vague", entry: null });
  });
  it("routes a platform's spelling and says in the reason how it was mapped", () => {
    const { decision } = routeCase(
      { category: { path: ["城市管理", "市容环境", "占道经营"] }, appealType: "投诉", urgency: "一般", location: { address: "南大街", gridCode: "32040400100301" } },
      loadCities(),
    );
    expect(decision.matched).toBe(true);
    expect(decision.reason).toContain("派单目录「城乡建设/市容管理/占道经营」");
  });
});
