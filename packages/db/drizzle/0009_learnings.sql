CREATE TABLE "learnings" (
	"id" text PRIMARY KEY NOT NULL,
	"ord" bigserial NOT NULL,
	"type" text NOT NULL,
	"heading" text NOT NULL,
	"doc" jsonb NOT NULL,
	"priority" text NOT NULL,
	"status" text NOT NULL,
	"area" text NOT NULL,
	"category" text,
	"severity" text,
	"summary" text NOT NULL,
	"pattern_key" text,
	"recurrence_count" integer DEFAULT 1 NOT NULL,
	"first_seen" date,
	"last_seen" date,
	"see_also" text[] DEFAULT '{}'::text[] NOT NULL,
	"logged_at" timestamp with time zone,
	"source" text NOT NULL,
	"evidence" jsonb,
	"incident_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"promoted_kind" text,
	"promotion_id" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce(id, '') || ' ' || coalesce(heading, '') || ' ' || coalesce(doc::text, ''))) STORED
);
--> statement-breakpoint
CREATE TABLE "postmortems" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ops_id" text NOT NULL,
	"incident_id" bigint,
	"learning_id" text,
	"title" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"timeline" jsonb NOT NULL,
	"users_affected" text DEFAULT '' NOT NULL,
	"root_cause" text DEFAULT '' NOT NULL,
	"mitigation" text DEFAULT '' NOT NULL,
	"prevention" text DEFAULT '' NOT NULL,
	"action_items" jsonb NOT NULL,
	"metadata" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"published_by" text
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"learning_id" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"payload" jsonb,
	"done" boolean DEFAULT false NOT NULL,
	"postmortem_id" bigint,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "signature" text;--> statement-breakpoint
ALTER TABLE "postmortems" ADD CONSTRAINT "postmortems_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_learning_id_learnings_id_fk" FOREIGN KEY ("learning_id") REFERENCES "public"."learnings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "learnings_search_idx" ON "learnings" USING gin ("search");--> statement-breakpoint
CREATE INDEX "learnings_pattern_idx" ON "learnings" USING btree ("pattern_key");--> statement-breakpoint
CREATE INDEX "learnings_status_idx" ON "learnings" USING btree ("status","priority");--> statement-breakpoint
CREATE INDEX "learnings_incidents_idx" ON "learnings" USING gin ("incident_ids");--> statement-breakpoint
CREATE UNIQUE INDEX "postmortems_incident_idx" ON "postmortems" USING btree ("incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "postmortems_ops_idx" ON "postmortems" USING btree ("ops_id");--> statement-breakpoint
CREATE INDEX "promotions_kind_idx" ON "promotions" USING btree ("kind","done");