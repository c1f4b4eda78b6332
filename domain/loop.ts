/**
 * The 7-step city-management loop's data look-ups (pure): the 小类 of a case in the city's grid
 * taxonomy (management.json), its 立案/结案 standards and its disposal limits (处置时限), and the deadline
 * those limits give on the working calendar.
 */
import type { DisposalLimit, MajorClass, MinorClass } from "../contracts/types";
import type { WorkingCalendar, CalendarGap } from "./calendar";
import type { CityData } from "./routing";

export interface LoopClass {
  kind: "部件" | "事件";
  majorCode: string;
  minorCode: string;
}

export function minorOf(city: CityData, c: LoopClass): { major: MajorClass; minor: MinorClass } | undefined {
  const major = city.management?.taxonomy.find((m) => m.kind === c.kind && m.code === c.majorCode);
  const minor = major?.minors.find((m) => m.code === c.minorCode);
  return major && minor ? { major, minor } : undefined;
}

const limitText = (l: DisposalLimit) => `${l.action} ${l.amount} ${l.unit}`;

export type LoopDeadline = { at: string; limit: DisposalLimit; text: string } | { gap: CalendarGap; text: string } | { none: string };

/**
 * The handling deadline of a loop case dispatched at `from`: the last of its 小类's disposal limits
 * (the one whose completion meets the 结案标准; earlier ones — 设置警示, 制止 — are named in the
 * text), on the city's working calendar. A year the calendar lacks is a gap, never a guess.
 */
export function loopDeadline(city: CityData, calendar: WorkingCalendar | undefined, c: LoopClass, from: Date): LoopDeadline {
  const found = minorOf(city, c);
  if (!found) return { none: `${city.name}网格分类中没有${c.kind} ${c.majorCode}${c.minorCode}` };
  const limits = found.minor.处置时限 ?? [];
  const last = limits[limits.length - 1];
  if (!last) return { none: `${found.minor.name}没有处置时限` };
  if (!calendar) return { none: `${city.name}没有工作日历（calendar.json）` };
  const text = `处置时限按「${found.minor.name}」${limits.map(limitText).join("、")}（${city.management?.platform ?? "网格化城市管理"}）`;
  const r = calendar.deadline(from, { amount: last.amount, unit: last.unit });
  return "gap" in r ? { gap: r.gap, text } : { at: r.at.toISOString(), limit: last, text };
}

/**
 * The grid class a catalogue item stands for (the reverse of the grid system's mapping,
 * `mappings/<gridSystem>.json`): the first 小类 whose path maps exactly onto that item. A 12345 or
 * 12319 case about it enters the same loop as a grid event.
 */
export function loopClassOf(city: CityData, categoryCode: string, gridSystem: string): (LoopClass & { majorName: string; minorName: string }) | undefined {
  const mapping = city.mappings[gridSystem];
  if (!mapping || !city.management) return undefined;
  for (const p of mapping.paths) {
    if (p.to !== categoryCode || p.from.length !== 3) continue;
    const [kind, majorName, minorName] = p.from;
    const major = city.management.taxonomy.find((m) => m.kind === kind && m.name === majorName);
    const minor = major?.minors.find((m) => m.name === minorName);
    if (major && minor) return { kind: major.kind as LoopClass["kind"], majorCode: major.code, minorCode: minor.code, majorName, minorName };
  }
  return undefined;
}
