import { validateTolerant } from "../contracts";
import { loadCities } from "../domain/routing";
import { SCHEMA } from "../adapters/hotline12345/mapping";
import { EVAL_CITIES, evaluate, loadEvalItems } from "./routing-eval";

const cities = loadCities();
const cityCode: Record<string, string> = { changzhou: "3204", suqian: "3213" };

describe("routing evaluation set (eval/routing)", () => {
  for (const name of EVAL_CITIES) {
    const items = loadEvalItems(name);
    const city = cities.find((c) => c.code === cityCode[name])!;
    const unitIds = new Set(city.units.map((u) => u.id));

    it(`${name}: every order is accepted by the 12345 contract (tolerant intake)`, () => {
      const refused = items.map((i) => ({ id: i.id, r: validateTolerant(SCHEMA.workOrder, structuredClone(i.order)) })).filter((x) => !x.r.ok);
      expect(refused.map((x) => x.id)).toEqual([]);
    });

    it(`${name}: every expected / acceptable unit exists in the city data`, () => {
      const unknown = items.flatMap((i) => [i.expected, ...i.acceptable].filter((u) => !unitIds.has(u)).map((u) => `${i.id}: ${u}`));
      expect(unknown).toEqual([]);
    });

    it(`${name}: has both splits and unique ids`, () => {
      expect(items.some((i) => i.split === "test")).toBe(true);
      expect(items.some((i) => i.split === "dev")).toBe(true);
      expect(items.every((i) => i.split === "test" || i.split === "dev")).toBe(true);
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    });
  }

  it("evaluate() answers figures between 0 and 1", () => {
    for (const split of ["test", "dev", "all"] as const) {
      const { overall, byCity } = evaluate(split, cities);
      for (const f of [overall, ...Object.values(byCity)]) {
        expect(f.n).toBeGreaterThan(0);
        for (const x of [f.top1, f.top3, f.triage]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});
