/**
 * Where a case happened, down to the street office (街道/镇) that owns it as 属地.
 *
 * Sources, in order of trust: the grid code (its first 9 digits are the street code), the street
 * name the platform gives, the community (社区/村) name, the address text (a street, community or
 * known place named in it), and the coordinates (inside a street's boundary where the data has
 * boundaries, else the nearest street centre). The most trusted source that names a street wins;
 * every other source that names a different street is a conflict, and the reason says so.
 * Pure: the city data (units.json) holds the names, places, centres and boundaries.
 */
import type { StreetUnit } from "../contracts/types";

export type LocationSource = "gridCode" | "street" | "community" | "address" | "coordinates";

export const SOURCE_LABEL: Record<LocationSource, string> = {
  gridCode: "网格编码",
  street: "街道名称",
  community: "社区名称",
  address: "地址文本",
  coordinates: "坐标",
};

export interface Found {
  street: StreetUnit;
  source: LocationSource;
  /** a Chinese phrase: 网格 3204… 属天宁街道 */
  why: string;
}

export interface Located {
  street?: StreetUnit;
  source?: LocationSource;
  why?: string;
  /** other sources that named another street */
  conflicts: Found[];
}

export interface PlaceInput {
  districtCode?: string;
  gridCode?: string;
  street?: string;
  community?: string;
  address?: string;
  lng?: number;
  lat?: number;
}

const suffixless = (s: string) =>
  s
    .replace(/\s+/g, "")
    .replace(/[（(]示例[)）]/g, "")
    .replace(/(街道办事处|街道|镇人民政府|镇|乡人民政府|乡)$/, "");
const communityless = (s: string) =>
  s
    .replace(/\s+/g, "")
    .replace(/[（(]示例[)）]/g, "")
    .replace(/(社区居民委员会|居民委员会|村民委员会|居委会|社区|村委会)$/, "");
interface StreetIndex {
  streets: StreetUnit[];
  byCode: Map<string, StreetUnit>;
  /** per street (same order as `streets`): its name without the suffix, and its communities' names without theirs (those of ≥ 2 characters) — computed once, not per look-up */
  shortNames: string[];
  communityNames: string[][];
  /** a name (street, community, place) → the streets it belongs to */
  names: { name: string; kind: "street" | "community" | "place"; streets: StreetUnit[] }[];
}

const indexes = new WeakMap<StreetUnit[], StreetIndex>();

function indexOf(streets: StreetUnit[]): StreetIndex {
  let ix = indexes.get(streets);
  if (ix) return ix;
  const map = new Map<string, { kind: "street" | "community" | "place"; streets: Set<StreetUnit> }>();
  const add = (name: string, kind: "street" | "community" | "place", s: StreetUnit) => {
    if (name.length < 2) return;
    const key = `${kind}\u0000${name}`;
    let e = map.get(key);
    if (!e) map.set(key, (e = { kind, streets: new Set() }));
    e.streets.add(s);
  };
  for (const s of streets) {
    add(s.streetName, "street", s);
    const short = suffixless(s.streetName);
    if (short.length >= 2 && short !== s.streetName) add(short + (s.streetName.endsWith("镇") ? "镇" : s.streetName.endsWith("乡") ? "乡" : "街道"), "street", s);
    for (const c of s.communities ?? []) add(c, "community", s);
    for (const p of s.places ?? []) add(p, "place", s);
  }
  ix = {
    streets,
    byCode: new Map(streets.map((s) => [s.streetCode, s])),
    shortNames: streets.map((s) => suffixless(s.streetName)),
    communityNames: streets.map((s) => (s.communities ?? []).map(communityless).filter((x) => x.length >= 2)),
    names: [...map.entries()].map(([key, e]) => ({ name: key.split("\u0000")[1], kind: e.kind, streets: [...e.streets] })).sort((a, b) => b.name.length - a.name.length),
  };
  indexes.set(streets, ix);
  return ix;
}

const inDistrict = (districtCode: string | undefined) => (s: StreetUnit) => !districtCode || s.districtCode === districtCode;

function byStreetName(ix: StreetIndex, name: string, districtCode?: string): StreetUnit | undefined {
  const want = suffixless(name);
  if (!want) return undefined;
  const hits = ix.streets.filter((s, i) => inDistrict(districtCode)(s) && ix.shortNames[i] === want);
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * The one street with a community of that name: 三河口村 = 三河口, 丽华新村社区 = 丽华新村 (both
 * names without their suffix, at least 2 characters, equal or one the other + 村). The communities'
 * suffixless names are the index's, made once.
 */
function byCommunity(ix: StreetIndex, name: string, districtCode?: string): StreetUnit | undefined {
  const y = communityless(name);
  if (y.length < 2) return undefined;
  const yv = `${y}村`;
  const hits = ix.streets.filter((s, i) => inDistrict(districtCode)(s) && ix.communityNames[i].some((x) => x === y || x === yv || `${x}村` === y));
  return hits.length === 1 ? hits[0] : undefined;
}

/** The longest street, community or place name in the text that belongs to exactly one street. */
function byAddress(ix: StreetIndex, text: string, districtCode?: string): { street: StreetUnit; name: string; kind: string } | undefined {
  const t = text.replace(/\s+/g, "");
  for (const n of ix.names) {
    if (!t.includes(n.name)) continue;
    const hits = n.streets.filter(inDistrict(districtCode));
    if (hits.length === 1) return { street: hits[0], name: n.name, kind: n.kind };
  }
  return undefined;
}

/** Ray casting; ring of [lng, lat]. */
function inside(ring: number[][], lng: number, lat: number): boolean {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** Distance in km (equirectangular; good enough inside a city). */
function km(aLng: number, aLat: number, bLng: number, bLat: number): number {
  const x = ((bLng - aLng) * Math.PI * Math.cos((((aLat + bLat) / 2) * Math.PI) / 180)) / 180;
  const y = ((bLat - aLat) * Math.PI) / 180;
  return Math.sqrt(x * x + y * y) * 6371;
}

/** Farther than this from every known centre, coordinates place nothing. */
const MAX_NEAREST_KM = 15;

function byCoordinates(ix: StreetIndex, lng: number, lat: number, districtCode?: string): { street: StreetUnit; why: string } | undefined {
  const pool = ix.streets.filter(inDistrict(districtCode));
  const within = pool.filter((s) => s.boundary && inside(s.boundary as number[][], lng, lat));
  if (within.length === 1) return { street: within[0], why: `坐标 ${lng},${lat} 位于${within[0].streetName}范围内` };
  let best: { s: StreetUnit; d: number } | undefined;
  for (const s of within.length ? within : pool) {
    if (!s.centre) continue;
    const d = km(lng, lat, s.centre.lng, s.centre.lat);
    if (!best || d < best.d) best = { s, d };
  }
  if (!best || best.d > MAX_NEAREST_KM) return undefined;
  return { street: best.s, why: `坐标 ${lng},${lat} 距${best.s.streetName}最近（约 ${best.d.toFixed(1)} 公里）` };
}

/**
 * Every source's answer, most trusted first, then the street chosen and the conflicts.
 * `districtCode` narrows name look-ups to the district when it is known.
 */
export function locate(loc: PlaceInput, streets: StreetUnit[]): Located {
  const ix = indexOf(streets);
  const found: Found[] = [];
  const d = loc.districtCode;
  if (loc.gridCode && /^[0-9]{9}/.test(loc.gridCode)) {
    const s = ix.byCode.get(loc.gridCode.slice(0, 9));
    if (s && inDistrict(d)(s)) found.push({ street: s, source: "gridCode", why: `网格 ${loc.gridCode} 属${s.streetName}` });
  }
  if (loc.street) {
    const s = byStreetName(ix, loc.street, d);
    if (s) found.push({ street: s, source: "street", why: `事发街道为${s.streetName}` });
  }
  if (loc.community) {
    const s = byCommunity(ix, loc.community, d);
    if (s) found.push({ street: s, source: "community", why: `${loc.community.replace(/[（(]示例[)）]/g, "")}属${s.streetName}` });
  }
  if (loc.address) {
    const a = byAddress(ix, loc.address, d);
    if (a) found.push({ street: a.street, source: "address", why: `地址中的「${a.name}」属${a.street.streetName}` });
  }
  if (typeof loc.lng === "number" && typeof loc.lat === "number") {
    const c = byCoordinates(ix, loc.lng, loc.lat, d);
    if (c) found.push({ street: c.street, source: "coordinates", why: c.why });
  }
  const first = found[0];
  if (!first) return { conflicts: [] };
  return { street: first.street, source: first.source, why: first.why, conflicts: found.filter((f) => f.street.id !== first.street.id) };
}

/** 「地址文本指向红梅街道、坐标指向茶山街道，以网格编码为准」 — or "" when nothing conflicts. */
export function conflictText(l: Located): string {
  if (!l.conflicts.length || !l.source) return "";
  const others = l.conflicts.map((c) => `${SOURCE_LABEL[c.source]}指向${c.street.streetName}`).join("、");
  return `（${others}，以${SOURCE_LABEL[l.source]}为准）`;
}
