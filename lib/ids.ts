import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U

/** PREFIX + yyMMdd + 10 random base32 characters, e.g. TG240611K3F9A1C2BX (sortable by day, unguessable). */
export function newId(prefix: string, now = new Date()): string {
  const d = now.toISOString();
  const day = d.slice(2, 4) + d.slice(5, 7) + d.slice(8, 10);
  const bytes = randomBytes(10);
  let r = "";
  for (const b of bytes) r += ALPHABET[b & 31];
  return `${prefix}${day}${r}`;
}
