/**
 * 住建 (housing and urban-rural construction) as a bureau (kit/bureau.ts): joint-punishment
 * notices about a company and its ongoing projects in housing's own format, receipts and feedback back.
 */
import type { HousingFeedback, HousingReceipt } from "../../contracts/types";
import type { AdapterSpec } from "../../kit/adapter";
import { bureauSpec } from "../../kit/bureau";
import { readFeedback, readReceipt, SCHEMA, SYSTEM, toHousingNotice, toHousingReminder } from "./mapping";
import { createHousingSimulator } from "./simulator";

export const housing: AdapterSpec = bureauSpec<HousingReceipt, HousingFeedback>({
  system: SYSTEM,
  title: "住房和城乡建设局",
  bureau: "housing",
  callerLabel: "住建局联合惩戒接口",
  urlExample: "https://zjj.example.gov.cn/credit-api",
  receipt: { schema: SCHEMA.receipt, summary: "抄告签收：住建签收联合惩戒抄告或撤销抄告 / housing signs for a notice", read: readReceipt },
  feedback: {
    schema: SCHEMA.feedback,
    summary: "措施落实情况：逐项反馈招投标、资质、在建项目限制的落实情况 / housing reports per restriction and project",
    needs: [{ fields: ["results", "summary"], zh: "至少需要逐项落实情况或落实情况说明之一", en: "results or a summary are needed" }],
    read: readFeedback,
  },
  notice: { schema: SCHEMA.notice, summary: "联合惩戒抄告：对企业及其在建项目限制招投标、资质，撤销抄告时解除 / restrictions on a company and its projects", build: toHousingNotice },
  receiptRequest: { schema: SCHEMA.reminder, summary: "催签收/催反馈 / remind housing of a due receipt or feedback", build: toHousingReminder },
  simulator: (s, log) => createHousingSimulator({ receiptDelayMs: s.unitAcceptMs, feedbackDelayMs: s.unitWorkMs, log }),
});
