import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: ["./store/cases.tables.ts", "./store/intake.tables.ts", "./store/outbox.tables.ts", "./store/routing.tables.ts", "./store/schedule.tables.ts", "./store/credit.tables.ts"],
  out: "./store/migrations",
});
