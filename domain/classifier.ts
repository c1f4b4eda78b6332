/**
 * The text classifier of routing: which catalogue item (派单目录事项) a work order's 标题 + 诉求内容
 * is about, with a confidence and the words that decided.
 *
 * A multinomial naive Bayes over jieba words (domain/text.ts), one model per city, trained only
 * from data in the repo and the store: each item's name, path, description and keywords, the
 * platforms' alias terms, the labelled texts of `examples.json`, and the agents' corrections
 * (triage assignments, 改派, 派单审定) the routing service has learned. No network, no model file:
 * the model is rebuilt from the data in milliseconds whenever the data changes.
 *
 * Explainable by construction: the score of an item is a sum over the text's words — each word's
 * log-likelihood ratio for the item against the whole catalogue, clipped and weighted by the word's
 * rarity in Chinese at large — so the words that put the winner ahead of the runner-up are the
 * reason. The confidence is the softmax of the scores at a temperature. Smoothing, clipping and
 * temperature were chosen on the evaluation set's dev split (eval/routing, never on test): with
 * plain naive Bayes sums, common words (办理, 家里) decided with confidence 1.00.
 */
import type { CategoryEntry } from "../contracts/types";
import { addWords, rarity, words } from "./text";

export interface TrainingText {
  code: string;
  text: string;
  /** how much one occurrence counts (keywords and names weigh more than a sentence) */
  weight: number;
}

export interface Ranked {
  code: string;
  /** posterior after tempering, 0..1 */
  p: number;
  score: number;
}

export interface Classification {
  ranked: Ranked[];
  /** the text's words the model knows (for explanations) */
  words: string[];
}

export interface Model {
  codes: string[];
  /**
   * per word of the vocabulary, what it says for each item: its log-likelihood ratio against the
   * whole catalogue (how much likelier the word is in that item's texts than in all of them),
   * clipped so that one word can neither decide alone nor veto, and weighted by how rare the word
   * is in Chinese at large (jieba's IDF table): 知道, 家里 and 办理 weigh little, 渣土 and 井盖 much
   */
  logp: Map<string, Float64Array>;
  /** per word, the mean of its `logp` row (what it says for the average item: evidence's baseline), summed in index order once */
  mean: Map<string, number>;
  index: Map<string, number>;
}

/**
 * A prior over the items: a function of the code, or the same values already laid out per item
 * index (`priorTerms`), so that a ranking does not call a function and take a logarithm per item.
 */
export type Prior = ((code: string) => number) | Float64Array;

/** What a prior adds to each item's score (index order): log(max(prior, 1e-9)) × temperature. */
export function priorTerms(model: Model, prior: (code: string) => number): Float64Array {
  const t = new Float64Array(model.codes.length);
  for (let i = 0; i < t.length; i++) t[i] = Math.log(Math.max(prior(model.codes[i]), 1e-9)) * TEMPERATURE;
  return t;
}

const ALPHA = 0.05;
const TEMPERATURE = 0.5;
/** a word found in more than this share of the items says nothing about any of them */
const MAX_SPREAD = 0.25;
/** the most one word can say for an item, and against it */
const MAX_FOR = 3;
const MAX_AGAINST = 2;

/** Training texts of a catalogue item from the catalogue itself. */
export function catalogueTexts(items: CategoryEntry[]): TrainingText[] {
  const out: TrainingText[] = [];
  for (const e of items) {
    const leaf = e.path[e.path.length - 1];
    out.push({ code: e.code, text: leaf, weight: 4 });
    out.push({ code: e.code, text: e.path.slice(0, -1).join(" "), weight: 0.5 });
    if (e.description) out.push({ code: e.code, text: e.description, weight: 1 });
    for (const k of e.keywords ?? []) out.push({ code: e.code, text: k, weight: 3 });
  }
  return out;
}

/**
 * Builds a model over `items` (the dispatchable leaves) from the training texts. Words in `ignore`
 * (the city's place names: a street, community or road says where, not what) are left out.
 */
export function train(items: CategoryEntry[], texts: TrainingText[], ignore: Set<string> = new Set()): Model {
  addWords(items.flatMap((e) => [e.path[e.path.length - 1], ...(e.keywords ?? [])]));
  const codes = items.map((e) => e.code);
  const index = new Map(codes.map((c, i) => [c, i]));
  const counts = new Map<string, Float64Array>();
  const totals = new Float64Array(codes.length);
  for (const t of texts) {
    const i = index.get(t.code);
    if (i === undefined) continue;
    for (const w of words(t.text)) {
      let row = counts.get(w);
      if (!row) counts.set(w, (row = new Float64Array(codes.length)));
      row[i] += t.weight;
      totals[i] += t.weight;
    }
  }
  const logp = new Map<string, Float64Array>();
  const vocabulary = counts.size;
  let all = 0;
  for (let i = 0; i < codes.length; i++) all += totals[i];
  for (const [w, row] of counts) {
    let spread = 0;
    let seen = 0;
    for (let i = 0; i < row.length; i++) {
      if (row[i] > 0) spread++;
      seen += row[i];
    }
    if (spread > Math.max(2, MAX_SPREAD * codes.length) || ignore.has(w)) continue;
    const background = Math.log((seen + ALPHA) / (all + ALPHA * vocabulary));
    const weight = rarity(w);
    const lp = new Float64Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      const llr = Math.log((row[i] + ALPHA) / (totals[i] + ALPHA * vocabulary)) - background;
      lp[i] = weight * Math.min(MAX_FOR, Math.max(-MAX_AGAINST, llr));
    }
    logp.set(w, lp);
  }
  const mean = new Map<string, number>();
  for (const [w, lp] of logp) {
    let base = 0;
    for (let k = 0; k < lp.length; k++) base += lp[k];
    mean.set(w, base / lp.length);
  }
  return { codes, logp, mean, index };
}

/**
 * Ranks the items for a text (or for its words, as `words(text)` gives them: a caller that has them
 * already saves segmenting it again). `prior` (optional) multiplies an item's posterior, e.g. to favour
 * the items under the category prefix the platform gave. An empty ranking means no known word.
 */
export function classify(model: Model, text: string | readonly string[], prior?: Prior, limit = 10): Classification {
  const known = (typeof text === "string" ? words(text) : text).filter((w) => model.logp.has(w));
  if (known.length === 0) return { ranked: [], words: [] };
  const n = model.codes.length;
  const score = new Float64Array(n);
  const tf = new Map<string, number>();
  for (const w of known) tf.set(w, (tf.get(w) ?? 0) + 1);
  for (const [w, c] of tf) {
    const lp = model.logp.get(w)!;
    const k = 1 + Math.log(c);
    for (let i = 0; i < n; i++) score[i] += k * lp[i];
  }
  const terms = typeof prior === "function" ? priorTerms(model, prior) : prior;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (terms) score[i] += terms[i];
    if (score[i] > max) max = score[i];
  }
  let sum = 0;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) sum += e[i] = Math.exp((score[i] - max) / TEMPERATURE);
  // the best `limit` only (a catalogue has ~200 items; sorting them all per case is waste)
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    if (best.length === limit && score[i] <= score[best[limit - 1]]) continue;
    let at = best.length;
    while (at > 0 && score[best[at - 1]] < score[i]) at--;
    best.splice(at, 0, i);
    if (best.length > limit) best.pop();
  }
  return { ranked: best.map((i) => ({ code: model.codes[i], p: e[i] / sum, score: score[i] })), words: [...tf.keys()] };
}

/** The words that speak most for item `code` over item `against` (or over the average item). */
export function evidence(model: Model, c: Classification, code: string, against?: string, limit = 3): string[] {
  const i = model.index.get(code);
  if (i === undefined) return [];
  const j = against === undefined ? undefined : model.index.get(against);
  const scored = c.words.map((w) => {
    const lp = model.logp.get(w)!;
    const base = j !== undefined ? lp[j] : model.mean.get(w)!;
    return { w, gain: lp[i] - base };
  });
  return scored
    .filter((s) => s.gain > 0.5)
    .sort((a, b) => b.gain - a.gain)
    .slice(0, limit)
    .map((s) => s.w);
}
