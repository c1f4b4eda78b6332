/**
 * The working calendar of each city (cities/<city>/calendar.json on the national holiday data),
 * by city code, loaded once per process. A city without a calendar file has none: its deadlines
 * stay those its platforms send.
 */
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../contracts";
import { loadCalendar, type WorkingCalendar } from "../domain/calendar";

let byCode: Map<string, WorkingCalendar> | undefined;

export function calendarOf(cityCode: string | null | undefined): WorkingCalendar | undefined {
  if (!byCode) {
    byCode = new Map();
    const dir = path.join(ROOT, "cities");
    for (const name of fs.readdirSync(dir)) {
      const cityFile = path.join(dir, name, "city.json");
      if (!fs.existsSync(path.join(dir, name, "calendar.json")) || !fs.existsSync(cityFile)) continue;
      const code = (JSON.parse(fs.readFileSync(cityFile, "utf8")) as { code: string }).code;
      byCode.set(code, loadCalendar(path.join(dir, name)));
    }
  }
  return cityCode ? byCode.get(cityCode) : undefined;
}
