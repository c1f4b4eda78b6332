import { conflictText, locate } from "./location";
import type { StreetUnit } from "../contracts/types";

const street = (id: string, code: string, name: string, extra: Partial<StreetUnit> = {}): StreetUnit => ({
  id,
  name: `某区${name}办事处`,
  kind: "street",
  districtCode: code.slice(0, 6),
  streetCode: code,
  streetName: name,
  ...extra,
});

const A = street("X-A-JD", "320402001", "天宁街道", {
  communities: ["局前街社区", "丽华新村社区"],
  places: ["局前街", "天宁寺"],
  centre: { lng: 119.96, lat: 31.78 },
  boundary: [
    [119.95, 31.77],
    [119.97, 31.77],
    [119.97, 31.79],
    [119.95, 31.79],
  ],
});
const B = street("X-B-JD", "320402003", "红梅街道", { communities: ["红梅新村社区"], places: ["红梅公园"], centre: { lng: 119.99, lat: 31.79 } });
const C = street("X-C-Z", "320402101", "郑陆镇", { communities: ["三河口村"], places: ["焦溪古镇"], centre: { lng: 120.1, lat: 31.85 } });
const STREETS = [A, B, C];

describe("locate: the owner street from the most trusted source, conflicts named", () => {
  it("takes the grid code first and names every other source that points elsewhere", () => {
    const l = locate({ gridCode: "32040200100301", street: "红梅街道", address: "焦溪古镇东街" }, STREETS);
    expect(l.street?.id).toBe("X-A-JD");
    expect(l.source).toBe("gridCode");
    expect(l.conflicts.map((c) => [c.source, c.street.id])).toEqual([
      ["street", "X-B-JD"],
      ["address", "X-C-Z"],
    ]);
    expect(conflictText(l)).toBe("（街道名称指向红梅街道、地址文本指向郑陆镇，以网格编码为准）");
  });

  it("finds the street from its name without the suffix, from a community, or from a place in the address", () => {
    expect(locate({ street: "红梅" }, STREETS).street?.id).toBe("X-B-JD");
    expect(locate({ community: "丽华新村" }, STREETS)).toMatchObject({ source: "community", street: { id: "X-A-JD" } });
    const byAddress = locate({ address: "常州市天宁区红梅公园南门" }, STREETS);
    expect(byAddress).toMatchObject({ source: "address", street: { id: "X-B-JD" } });
    expect(byAddress.why).toContain("「红梅公园」");
    expect(conflictText(byAddress)).toBe("");
  });

  it("places coordinates inside a boundary, else at the nearest centre, and not at all when far from every centre", () => {
    expect(locate({ lng: 119.96, lat: 31.785 }, STREETS)).toMatchObject({ source: "coordinates", street: { id: "X-A-JD" } });
    const near = locate({ lng: 120.09, lat: 31.86 }, STREETS);
    expect(near.street?.id).toBe("X-C-Z");
    expect(near.why).toMatch(/距郑陆镇最近（约 [0-9.]+ 公里）/);
    expect(locate({ lng: 118.3, lat: 33.9 }, STREETS).street).toBeUndefined();
  });

  it("narrows names to the district when it is known, and finds nothing from nothing", () => {
    expect(locate({ street: "红梅街道", districtCode: "320404" }, STREETS).street).toBeUndefined();
    expect(locate({}, STREETS)).toEqual({ conflicts: [] });
  });
});
