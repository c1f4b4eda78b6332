/**
 * Personal data masking for logs and for views that do not need the full value.
 * The store keeps what was received; everything leaving it for agents, units or logs goes
 * through these functions.
 */

/** 王小明 → 王**, 欧阳娜娜 → 欧***; empty stays empty. */
export function maskName(name: string | undefined | null): string | undefined {
  if (!name) return name ?? undefined;
  const chars = [...name];
  if (chars.length === 1) return "*";
  if (/^(匿名|先生|女士)$/.test(name)) return name;
  if (/^.(先生|女士)$/.test(name)) return name; // 王女士 identifies no one
  return chars[0] + "*".repeat(chars.length - 1);
}

/** 13912342716 → 139****2716; an already masked number stays as it is; short numbers keep 2+2. */
export function maskPhone(phone: string | undefined | null): string | undefined {
  if (!phone) return phone ?? undefined;
  const p = phone.replace(/\s+/g, "");
  if (p.includes("*")) return p;
  if (p.length >= 11) return p.slice(0, 3) + "****" + p.slice(-4);
  if (p.length >= 6) return p.slice(0, 2) + "*".repeat(p.length - 4) + p.slice(-2);
  return "*".repeat(p.length);
}

/** 18-digit ID number → first 6 + ******** + last 4. */
export function maskIdNumber(id: string | undefined | null): string | undefined {
  if (!id) return id ?? undefined;
  if (id.length < 10) return "*".repeat(id.length);
  return id.slice(0, 6) + "*".repeat(id.length - 10) + id.slice(-4);
}

const PHONE_RE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
const ID_RE = /(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])/g;

/** Masks phone and ID numbers wherever they appear in free text (log lines, raw previews). */
export function maskText(text: string): string {
  return text.replace(ID_RE, (_m, a: string, _b: string, c: string) => `${a}********${c.slice(-4)}`).replace(PHONE_RE, "$1****$3");
}

export interface Reporter {
  name?: string;
  phone?: string;
  confidential: boolean;
}

/** The reporter as agents and units see it; a confidential reporter is not passed on at all. */
export function maskReporter(r: Reporter, forUnit = false): Reporter {
  if (forUnit && r.confidential) return { confidential: true };
  return { confidential: r.confidential, name: maskName(r.name), phone: maskPhone(r.phone) };
}
