/**
 * 月度考核 routes (engineers and agents), in the ApiRoute shape of lib/api.ts: the month's report
 * per street and department, and the year's averages — JSON, or with `format=csv` the sheet as
 * CSV (UTF-8 with a BOM and Chinese headers, so Excel opens it as is). See domain/assessment.ts
 * for every figure.
 */
import type { ApiRoute, QueryParam } from "../api";

const ROLES = ["agent", "engineer"];

const asOf: QueryParam = {
  title: "截至时间",
  description: "按此时刻之前的流转记录计算（默认现在）；同一截至时间总得到同一结果，ISO 8601 带时区",
  type: "string",
  format: "date-time",
  examples: ["2026-12-01T01:30:00+08:00"],
};
const format: QueryParam = { title: "格式", description: "json（默认）或 csv（带 BOM 的 UTF-8、中文表头，Excel 可直接打开）", type: "string", enum: ["json", "csv"] };

const rate = { type: ["number", "null"], minimum: 0, description: "比率 0..1；分母为 0 时为 null" };
const figures = {
  opened: { type: "integer", description: "立案数" },
  due: { type: "integer", description: "应结案数" },
  closed: { type: "integer", description: "结案数" },
  closedRate: { ...rate, description: "结案率 = 结案数 / 应结案数" },
  onTime: { type: "integer", description: "按期结案数" },
  onTimeRate: { ...rate, description: "按期结案率 = 按期结案数 / 应结案数" },
  dispatched: { type: "integer", description: "派遣数（含重办、返工轮次）" },
  reworked: { type: "integer", description: "返工数" },
  reworkRate: { ...rate, description: "返工率 = 返工数 / 派遣数" },
  extended: { type: "integer", description: "延期数" },
  extensionRate: { ...rate, description: "延期率 = 延期数 / 派遣数" },
};
const part = (title: string) => ({
  type: "object",
  description: title,
  properties: {
    ...figures,
    factor: { type: "number", description: "整改系数 0..1" },
    rectification: { type: "number", description: "整改得分" },
    onSite: { type: "number", description: "现场考评得分" },
  },
});

export const ASSESSMENT_ROUTES: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/assessment",
    action: "cases.assessment",
    roles: ROLES,
    summary: "月度考核：各街道、职能部门的立案数、结案率、按期结案率、返工率、延期率、考评得分（市70+区30）和评定 / monthly assessment",
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        month: { title: "考核月份", description: "YYYY-MM（北京时间），默认上月", type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])$", examples: ["2026-11"] },
        asOf,
        format,
      },
    },
    response: {
      status: 200,
      description: "考核结果（format=csv 时为 text/csv 表格） / the month's report (text/csv with format=csv)",
      schema: {
        type: "object",
        required: ["month", "from", "to", "asOf", "units", "totals"],
        properties: {
          month: { type: "string", examples: ["2026-11"] },
          from: { type: "string", format: "date-time" },
          to: { type: "string", format: "date-time" },
          asOf: { type: "string", format: "date-time" },
          units: {
            type: "array",
            items: {
              type: "object",
              properties: {
                unitId: { type: "string" },
                unitName: { type: "string" },
                kind: { type: "string", enum: ["street", "functional", "unknown"] },
                kindLabel: { type: "string", examples: ["街道"] },
                ...figures,
                city: part("市考评（70 分：现场 35、整改 35）"),
                district: part("区考评（30 分：现场 15、整改 15）"),
                onSiteBasis: { type: "string", enum: ["input", "rectification"], description: "现场考评得分来源：rectification = 无现场考评数据，按整改系数折算" },
                score: { type: "number", description: "总分（百分制）" },
                rating: { type: "string", enum: ["优秀", "合格", "不合格"] },
              },
            },
          },
          totals: {
            type: "object",
            description: "全市合计；unassigned = 尚无承办单位的案件",
            properties: { ...figures, unassigned: { type: "integer" }, units: { type: "integer" }, ratings: { type: "object" } },
          },
        },
      },
    },
  },
  {
    method: "GET",
    path: "/v1/assessment/year",
    action: "cases.assessmentYear",
    roles: ROLES,
    summary: "年度考核：各单位已结束月份的月度得分、年度平均分和评定（≥95 优秀，80–95 合格，<80 不合格） / yearly averages",
    query: {
      type: "object",
      additionalProperties: false,
      properties: { year: { title: "考核年度", description: "如 2026", type: "integer", minimum: 2000, maximum: 2100 }, asOf, format },
    },
    response: {
      status: 200,
      description: "年度考核（format=csv 时为 text/csv 表格） / the year's report",
      schema: {
        type: "object",
        required: ["year", "asOf", "months", "units"],
        properties: {
          year: { type: "integer" },
          asOf: { type: "string", format: "date-time" },
          months: { type: "array", items: { type: "string" } },
          units: {
            type: "array",
            items: {
              type: "object",
              properties: {
                unitId: { type: "string" },
                unitName: { type: "string" },
                kind: { type: "string" },
                kindLabel: { type: "string" },
                months: { type: "object", additionalProperties: { type: "number" }, description: "月份 → 得分" },
                assessedMonths: { type: "integer" },
                average: { type: "number" },
                rating: { type: "string", enum: ["优秀", "合格", "不合格"] },
              },
            },
          },
        },
      },
    },
  },
];
