import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U

/** Random bytes drawn from the CSPRNG a pool at a time (one call per ~400 ids, not one per id). */
const POOL = Buffer.alloc(4096);
let at = POOL.length;

/** PREFIX + yyMMdd + 10 random base32 characters, e.g. TG240611K3F9A1C2BX (sortable by day, unguessable). */
export function newId(prefix: string, now = new Date()): string {
  const d = now.toISOString();
  const day = d.slice(2, 4) + d.slice(5, 7) + d.slice(8, 10);
  if (at + 10 > POOL.length) {
    randomFillSync(POOL);
    at = 0;
  }
  let r = "";
  for (let i = 0; i < 10; i++) r += ALPHABET[POOL[at++] & 31];
  return `${prefix}${day}${r}`;
}
