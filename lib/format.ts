/** 90_000 → "1分30秒", 7_200_000 → "2小时", 86_400_000 → "1天": durations as people read them. */
export function durationZh(ms: number): string {
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  const units: [number, string][] = [
    [86_400, "天"],
    [3_600, "小时"],
    [60, "分"],
    [1, "秒"],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(s / size);
    if (n) parts.push(`${n}${name}`);
    s -= n * size;
  }
  const text = parts.join("") || "0秒";
  return text.endsWith("分") ? text + "钟" : text;
}
