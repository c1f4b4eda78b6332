/**
 * POST /api/v1/batch (批量报文): many messages from one system in one request, each handled as the
 * request it would have been alone. What is pure about it lives here — which adapter route an
 * item's path names (matched as moleculer-web matches the gateway's aliases), what an item looks
 * like as a received request, which items address the same resource, and the order items run
 * in; the intake service does the handling (services/intake.service.ts receiveBatch).
 */
import type { BatchItem } from "../contracts/types.gen";
import type { AdapterSpec } from "../kit/adapter";
import { HubError } from "../kit/errors";
import type { InboundRequest } from "../services/intake.service";

/** The batch route under /api, and the whole path. */
export const BATCH_ROUTE = "/v1/batch";
export const HUB_BATCH_PATH = `/api${BATCH_ROUTE}`;
/** The envelope's contract (contracts/kit/batch.schema.json) and the answer's. */
export const BATCH_SCHEMA = "tongguan:kit/batch";
export const BATCH_RESULT_SCHEMA = "tongguan:kit/batch-result";
/** The system and kind a batch envelope is kept under when it is refused, and an item naming no route. */
export const BATCH_SYSTEM = "batch";

/** An item's path as the hub's own: "/v1/…" (relative to /api, as the envelope's contract puts it) or "/api/v1/…". */
export function hubPath(path: string): string {
  return path.startsWith("/api/") ? path : `/api${path}`;
}

const pathOnly = (path: string) => {
  const q = path.search(/[?#]/);
  return q < 0 ? path : path.slice(0, q);
};

/** The route an item names: its adapter, the route's index in the spec and the path parameters. */
export interface RouteMatch {
  spec: AdapterSpec;
  routeIndex: number;
  pathParams: Record<string, string>;
}

/**
 * A matcher over the adapter routes, as mounted by the gateway (`${basePath}${route.path}` under
 * /api): the method exactly, the path case-insensitively with an optional trailing slash,
 * parameters URL-decoded, and the query's single-valued parameters as well (moleculer-web merges
 * them into the params the route sees; path parameters win).
 */
export function routeMatcher(specs: AdapterSpec[]): (method: string, path: string) => RouteMatch | undefined {
  const table = specs.flatMap((spec) =>
    spec.routes.map((r, routeIndex) => {
      const full = `/api${spec.basePath}${r.path}`.replace(/(.)\/+$/, "$1");
      const names: string[] = [];
      const source = full.replace(/:(\w+)|[.*+?^${}()|[\]\\]/g, (m, name?: string) => {
        if (!name) return `\\${m}`;
        names.push(name);
        return "([^/]+?)";
      });
      return { spec, routeIndex, method: r.method, re: new RegExp(`^${source}/?$`, "i"), names };
    }),
  );
  return (method, path) => {
    const bare = pathOnly(path);
    for (const t of table) {
      if (t.method !== method) continue;
      const m = t.re.exec(bare);
      if (!m) continue;
      const pathParams: Record<string, string> = {};
      const q = path.indexOf("?");
      if (q >= 0) {
        const query = new URLSearchParams(path.slice(q + 1).replace(/#.*$/, ""));
        for (const k of new Set(query.keys())) if (query.getAll(k).length === 1) pathParams[k] = query.get(k)!;
      }
      try {
        t.names.forEach((n, i) => {
          pathParams[n] = decodeURIComponent(m[i + 1]);
        });
      } catch {
        return undefined; // a parameter that is not valid percent-encoding: no such route
      }
      return { spec: t.spec, routeIndex: t.routeIndex, pathParams };
    }
    return undefined;
  };
}

/**
 * The resource an item addresses, for ordering: its path up to its route's last parameter
 * (/api/v1/police/notices/N1/receipt → /api/v1/police/notices/N1; the same notice's receipt and
 * feedback run one after the other, in item order). An item of a route without parameters — a new
 * work order, a new sanction, POSTed to a collection — addresses nothing another item does and
 * runs at once (two copies of one meet on their own keys: the order or decision number). A path
 * that is no route: the path without its last segment.
 */
export function resourceOf(path: string, match?: RouteMatch, index = 0): string {
  const bare = pathOnly(hubPath(path)).replace(/(.)\/+$/, "$1");
  if (match) {
    const pattern = `/api${match.spec.basePath}${match.spec.routes[match.routeIndex].path}`.split("/");
    const last = pattern.reduce((at, seg, i) => (seg.startsWith(":") ? i : at), -1);
    if (last < 0) return `#${index}`;
    return bare
      .split("/")
      .slice(0, last + 1)
      .join("/")
      .toLowerCase();
  }
  return bare.slice(0, Math.max(bare.lastIndexOf("/"), 0)) || "/";
}

/** The answer to an item whose path names no adapter route: what the gateway answers such a request alone. */
export const noSuchRoute = () => new HubError(404, "NOT_FOUND", "接口不存在", "Not found");

/** Text cut at `keep` bytes, without a character split in two (as the gateway keeps a raw body). */
function capped(text: string, keep: number): { raw: string; bytes: number; truncated: boolean } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= keep) return { raw: text, bytes, truncated: false };
  const buf = Buffer.from(text, "utf8");
  return {
    raw: buf
      .subarray(0, keep)
      .toString("utf8")
      .replace(/\uFFFD+$/, ""),
    bytes: buf.length,
    truncated: true,
  };
}

/** Headers of the envelope that say nothing about one item (its own are set from the item). */
const ENVELOPE_ONLY = new Set(["content-length", "idempotency-key"]);

/**
 * One item as the request it stands for, for the intake: the item's method, path (as the hub's
 * own, with /api), body (its JSON text, capped as a raw body is), its Idempotency-Key, the
 * envelope's other headers and content type, and `x-batch-item` (its place in the batch).
 */
export function itemRequest(
  envelope: Pick<InboundRequest, "headers" | "contentType">,
  item: BatchItem,
  at: { index: number; count: number },
  match: RouteMatch | undefined,
  limits: { maxBodyBytes: number; rawKeepBytes: number },
): InboundRequest {
  const text = JSON.stringify(item.body ?? null);
  const kept = capped(text, limits.rawKeepBytes);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(envelope.headers)) if (!ENVELOPE_ONLY.has(k)) headers[k] = v;
  headers["content-length"] = String(kept.bytes);
  if (item.idempotencyKey) headers["idempotency-key"] = item.idempotencyKey;
  headers["x-batch-item"] = `${at.index + 1}/${at.count}`;
  return {
    system: match?.spec.system ?? BATCH_SYSTEM,
    routeIndex: match?.routeIndex ?? -1,
    method: item.method,
    path: hubPath(item.path),
    pathParams: match?.pathParams ?? {},
    headers,
    contentType: envelope.contentType,
    raw: kept.raw,
    text,
    // the envelope's parse of it: the item is not parsed twice (`text` is what its key's hash is over)
    parsed: { value: item.body ?? null },
    bodyBytes: kept.bytes,
    truncated: kept.truncated,
    tooLarge: kept.bytes > limits.maxBodyBytes,
  };
}

/**
 * Runs `run` for every item and answers the results in item order: items of one key (resource)
 * one after the other in item order, different keys concurrently, at most `lanes` at once.
 * `run` is expected to answer, not to throw (a throw rejects the whole).
 */
export async function runInOrder<T, R>(items: T[], keyOf: (item: T, index: number) => string, run: (item: T, index: number) => Promise<R>, lanes: number): Promise<R[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = keyOf(item, i);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const queue = [...groups.values()];
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < queue.length) {
      const group = queue[next++];
      for (const i of group) out[i] = await run(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, queue.length)) }, lane));
  return out;
}
