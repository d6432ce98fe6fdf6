-- probe_samples is range-partitioned by day (edited by hand: drizzle-kit cannot declare partitions);
-- the worker creates the daily partitions ahead and drops those past retention.
CREATE TABLE "probe_samples" (
	"target" text NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"latency_ms" real,
	"cpu_percent" real,
	"memory_percent" real,
	"disk_percent" real
) PARTITION BY RANGE ("checked_at");
--> statement-breakpoint
CREATE TABLE "status_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "target_state" (
	"name" text PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'unknown' NOT NULL,
	"reason" text DEFAULT 'not probed yet' NOT NULL,
	"findings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"latency_ms" real,
	"checked_at" timestamp with time zone,
	"since" timestamp with time zone,
	"last_ok_at" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"version" text,
	"uptime_ms" double precision,
	"uptime_at" timestamp with time zone,
	"ready" boolean,
	"resources" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"name" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"kind" text NOT NULL,
	"check" text NOT NULL,
	"base_url" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	"config" jsonb NOT NULL,
	"retired_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "status_events" ADD CONSTRAINT "status_events_target_targets_name_fk" FOREIGN KEY ("target") REFERENCES "public"."targets"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_state" ADD CONSTRAINT "target_state_name_targets_name_fk" FOREIGN KEY ("name") REFERENCES "public"."targets"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "probe_samples_target_checked_at_idx" ON "probe_samples" USING btree ("target","checked_at");--> statement-breakpoint
CREATE INDEX "status_events_target_at_idx" ON "status_events" USING btree ("target","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "status_events_at_idx" ON "status_events" USING btree ("at" DESC NULLS LAST);