import { mapCategory, modelOf, proposeFromText, type CatalogueData } from "./catalogue";
import type { CategoryEntry } from "../contracts/types";

const basis = { source: "示例权责清单", item: "示例条目" };
const item = (code: string, path: string[], keywords: string[] = [], extra: Partial<CategoryEntry> = {}): CategoryEntry => ({ code, path, keywords, basis, ...extra });

const CATALOGUE: CatalogueData = {
  categories: [
    { code: "01", path: ["城乡建设"] },
    { code: "0101", path: ["城乡建设", "市容管理"] },
    item("010101", ["城乡建设", "市容管理", "占道经营"], ["摆摊", "流动摊贩", "卖菜", "早餐摊"]),
    item("010105", ["城乡建设", "市容管理", "违法建设"], ["违建", "搭建", "加盖", "彩钢棚"]),
    { code: "02", path: ["公安管理"] },
    item("0201", ["公安管理", "噪音扰民"], ["广场舞", "音响", "装修声", "吵闹"]),
    item("0202", ["公安管理", "养犬管理"], ["狗", "遛狗", "犬只", "咬人", "拴绳"]),
    { code: "99", path: ["其他"] },
    item("9901", ["其他", "其他诉求"], [], { triage: true, basis: undefined }),
  ],
  mappings: {
    hotline12345: {
      system: "hotline12345",
      platform: "示例市12345",
      version: "2024.07",
      paths: [
        { from: ["城市管理", "市容环境", "马路市场"], to: "010101" },
        { from: ["城市管理"], to: "0101" },
      ],
      aliases: [{ terms: ["私搭乱建", "违章搭建"], to: "010105" }],
      vague: [["其他"], ["综合"]],
    },
  },
  examples: [{ text: "来电人反映楼下邻居家的狗晚上不拴绳，吓到小孩", code: "0202" }],
};

describe("mapCategory: a platform's path onto the catalogue, in the order the mapping file documents", () => {
  it("takes the catalogue's own path, then the platform's exact entry", () => {
    expect(mapCategory(["公安管理", "养犬管理"], CATALOGUE, "hotline12345")).toMatchObject({ via: "exact", entry: { code: "0202" } });
    const m = mapCategory(["城市管理", "市容环境", "马路市场"], CATALOGUE, "hotline12345");
    expect(m).toMatchObject({ via: "mapping", entry: { code: "010101" } });
    expect(m.how).toContain("示例市12345分类映射（2024.07）");
  });

  it("maps the deepest level that is an alias or names exactly one leaf, skipping vague levels", () => {
    expect(mapCategory(["城管", "私搭乱建", "其他"], CATALOGUE, "hotline12345")).toMatchObject({ via: "alias", entry: { code: "010105" } });
    expect(mapCategory(["某平台", "占道经营"], CATALOGUE, "hotline12345")).toMatchObject({ via: "leaf", entry: { code: "010101" } });
    // aliases belong to a platform: another system's orders do not use them
    expect(mapCategory(["城管", "私搭乱建"], CATALOGUE, "other").via).toBe("none");
  });

  it("falls back to the longest known prefix, and calls 其他 vague rather than unknown", () => {
    expect(mapCategory(["城市管理", "从未见过"], CATALOGUE, "hotline12345")).toMatchObject({ via: "prefix", entry: { code: "0101" } });
    expect(mapCategory(["其他", "其他诉求"], CATALOGUE, "hotline12345").via).toBe("exact"); // the catalogue has that path (a triage item)
    expect(mapCategory(["综合", "不清楚"], CATALOGUE, "hotline12345")).toMatchObject({ via: "vague", entry: null });
    expect(mapCategory([], CATALOGUE, "hotline12345")).toMatchObject({ via: "none", entry: null });
  });
});

describe("proposeFromText: the text classifier, explainable, with a confidence", () => {
  it("ranks the item the text is about first and names the words that decided", () => {
    const [top, second] = proposeFromText(CATALOGUE, "来电人反映小区门口每天早上有流动摊贩摆摊卖菜，堵住人行道");
    expect(top.entry.code).toBe("010101");
    expect(top.confidence).toBeGreaterThan(second.confidence);
    expect(top.words.length).toBeGreaterThan(0);
    expect(top.words.every((w) => "来电人反映小区门口每天早上有流动摊贩摆摊卖菜，堵住人行道".includes(w))).toBe(true);
  });

  it("learns from labelled examples: a word only an example taught decides", () => {
    const without = { ...CATALOGUE, examples: [] };
    const withExample = { ...CATALOGUE, examples: [{ text: "楼下有人开KTV唱歌到半夜", code: "0201" }] };
    expect(proposeFromText(without, "KTV唱歌")).toEqual([]);
    expect(proposeFromText(withExample, "KTV唱歌")[0].entry.code).toBe("0201");
  });

  it("never proposes a triage item, and proposes nothing for words it does not know", () => {
    expect(modelOf(CATALOGUE).codes).not.toContain("9901");
    expect(proposeFromText(CATALOGUE, "今天天气很好")).toEqual([]);
  });

  it("favours the items under the platform's prefix when the text alone is close", () => {
    const text = "音响摆摊";
    const free = proposeFromText(CATALOGUE, text);
    const under = proposeFromText(CATALOGUE, text, CATALOGUE.categories[1]);
    expect(under[0].entry.code.startsWith("0101")).toBe(true);
    expect(under[0].confidence).toBeGreaterThanOrEqual(free.find((p) => p.entry.code === under[0].entry.code)?.confidence ?? 0);
  });
});
