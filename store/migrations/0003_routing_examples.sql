CREATE TABLE "routing_examples" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"case_id" text NOT NULL,
	"city_code" text,
	"system" text NOT NULL,
	"category_path" jsonb NOT NULL,
	"text" text NOT NULL,
	"location" jsonb NOT NULL,
	"unit_id" text NOT NULL,
	"positive" boolean NOT NULL,
	"category_code" text,
	"label_source" text,
	"hub_unit_id" text,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "routing_examples_item_idx" ON "routing_examples" USING btree ("city_code","category_code");--> statement-breakpoint
CREATE INDEX "routing_examples_at_idx" ON "routing_examples" USING btree ("at");