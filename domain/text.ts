/**
 * Chinese text into words, for the routing classifier.
 *
 * Segmentation is jieba (`@node-rs/jieba`: the Rust port of jieba with its standard dictionary,
 * prebuilt binaries, no network, ~10 µs per work order). The city data's own vocabulary — the
 * catalogue's keywords and the platforms' alias terms — is added to the dictionary so that
 * 渣土车, 网约车 or 广场舞 stay one word. What is written here is only what jieba does not do:
 * dropping punctuation, digits and words that say nothing about the owner (来电人, 反映, 要求 …).
 */
import { Jieba } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict";

let jieba: Jieba | undefined;
const added = new Set<string>();

function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Adds words to the segmenter's dictionary (once each); a high frequency keeps them whole. */
export function addWords(words: Iterable<string>): void {
  const fresh: string[] = [];
  for (const w of words) {
    const t = w.trim();
    if (t.length < 2 || added.has(t) || /\s/.test(t)) continue;
    added.add(t);
    fresh.push(`${t} 20000 n`);
  }
  if (fresh.length) segmenter().loadDict(Buffer.from(fresh.join("\n")));
}

/**
 * Words that appear in nearly every 12345 work order whatever it is about: the agent's formula
 * (来电人反映…要求…), politeness, generic places and verbs. They never decide an owner.
 */
const STOP = new Set(
  (
    "来电 来电人 市民 反映 称 表示 要求 希望 请求 诉求 尽快 及时 处理 解决 落实 核实 协调 相关 部门 有关 单位 政府 帮助 帮忙 " +
    "问题 情况 现象 事情 这个 那个 一个 一些 什么 怎么 如何 为什么 多次 一直 经常 每天 现在 目前 最近 近期 长期 已经 还是 没有 不能 " +
    "可以 需要 影响 严重 非常 特别 比较 很多 我们 他们 自己 大家 本人 你们 进行 存在 出现 发现 导致 造成 附近 周边 旁边 门口 对面 " +
    "位于 地址 地点 路口 路段 小区 区域 地方 左右 以上 以下 之前 之后 时候 时间 今天 昨天 明天 上午 下午 晚上 早上 凌晨 半夜 " +
    "工单 热线 12345 电话 联系 回复 反馈 投诉 举报 咨询 建议 求助 表扬 其他 其它 综合 一般 紧急 常州 常州市 宿迁 宿迁市 江苏 江苏省"
  ).split(/\s+/),
);

/** Single characters that are grammar, not topic (狗, 水, 电 and 树 stay: they name the matter). */
const STOP1 = new Set([
  ..."的了在是有和与及或我你他她它们也都就很不没说到把被让给从向对为以于其这那个些上下里外前后中内边来去过着呢吗吧啊呀哦嗯又再还才只更最太挺好多少几每各该此并而且但却则若如因所已将要会能想请帮找问等着一二三四五六七八九十百千万年月日号点分时天人家户位名次元",
]);

const WORDLIKE = /[\p{Script=Han}A-Za-z]/u;

/** What a token of jieba's becomes: the word kept, or null (punctuation, digits, stop words). */
function wordOf(raw: string): string | null {
  const w = raw.trim();
  if (!WORDLIKE.test(w) || STOP.has(w) || (w.length === 1 && (STOP1.has(w) || !/\p{Script=Han}/u.test(w)))) return null;
  return w;
}

/**
 * wordOf per token seen, so that the checks (trim, two Unicode-property regular expressions, the
 * stop lists) run once per distinct token rather than once per occurrence. Bounded: past the
 * limit, tokens not yet seen are checked each time (same answer, no growth).
 */
const tokenWords = new Map<string, string | null>();
const MAX_TOKENS = 100_000;

/** The words of a text that can say something about its owner, in order, repeats kept. */
export function words(text: string): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of segmenter().cut(text, true)) {
    let w = tokenWords.get(raw);
    if (w === undefined) {
      w = wordOf(raw);
      if (tokenWords.size < MAX_TOKENS) tokenWords.set(raw, w);
    }
    if (w !== null) out.push(w);
  }
  return out;
}

/** A word the IDF table lacks (a domain term) counts as rare: the rarity of IDF 12. */
const UNKNOWN_IDF = 12;
const rarityOfIdf = (v: number) => Math.max(0.05, Math.min(1.6, (v - 4) / 5));

/**
 * jieba's IDF table (≈ 270,000 words) as an open-addressing hash over the decoded file: ≈ 15 MiB
 * where a Map of strings took ≈ 75 MiB of the hub's RSS, and a lookup allocates nothing.
 */
interface IdfTable {
  pool: string;
  start: Uint32Array;
  length: Uint8Array;
  rarity: Float32Array;
  /** slot → entry + 1 (0: empty); size a power of two */
  slots: Int32Array;
}

function hashOf(s: string, from: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < from + len; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A decimal "13.900677652" at s[from, to) without making a string of it. */
function decimalAt(s: string, from: number, to: number): number {
  let v = 0;
  let scale = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) scale = 1;
    else if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (scale) scale *= 10;
    }
  }
  return scale ? v / scale : v;
}

/** The table over the decoded file itself ("word idf" lines): no string per word, no array of lines. */
function buildIdfTable(): IdfTable {
  const pool = Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength).toString("utf8"); // a view, not a copy
  let lines = 1;
  for (let at = pool.indexOf("\n"); at >= 0; at = pool.indexOf("\n", at + 1)) lines++;
  const start = new Uint32Array(lines);
  const length = new Uint8Array(lines);
  const rarity = new Float32Array(lines);
  let n = 0;
  for (let at = 0; at < pool.length; ) {
    let end = pool.indexOf("\n", at);
    if (end < 0) end = pool.length;
    const sp = pool.indexOf(" ", at);
    if (sp > at && sp < end && sp - at < 256) {
      start[n] = at;
      length[n] = sp - at;
      rarity[n] = rarityOfIdf(decimalAt(pool, sp + 1, end));
      n++;
    }
    at = end + 1;
  }
  let size = 1;
  while (size < n * 2) size <<= 1;
  const slots = new Int32Array(size);
  for (let i = 0; i < n; i++) {
    let k = hashOf(pool, start[i], length[i]) & (size - 1);
    while (slots[k] !== 0) k = (k + 1) & (size - 1);
    slots[k] = i + 1;
  }
  return { pool, start, length, rarity, slots };
}

let idfTable: IdfTable | undefined;

/**
 * How much a word can say, 0..~1.6, from jieba's IDF table of general Chinese: 知道 (3.97) and 家里
 * (5.7) little, 渣土 (12.3) much; a word the table lacks (a domain term) counts as rare.
 */
export function rarity(word: string): number {
  const t = (idfTable ??= buildIdfTable());
  const mask = t.slots.length - 1;
  for (let k = hashOf(word, 0, word.length) & mask; ; k = (k + 1) & mask) {
    const e = t.slots[k] - 1;
    if (e < 0) return rarityOfIdf(UNKNOWN_IDF);
    if (t.length[e] !== word.length) continue;
    const s = t.start[e];
    let same = true;
    for (let i = 0; i < word.length && same; i++) same = t.pool.charCodeAt(s + i) === word.charCodeAt(i);
    if (same) return t.rarity[e];
  }
}
