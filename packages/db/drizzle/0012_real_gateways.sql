CREATE TABLE "config_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"version" integer NOT NULL,
	"path" text NOT NULL,
	"sha256" text NOT NULL,
	"content" text NOT NULL,
	"kind" text DEFAULT 'snapshot' NOT NULL,
	"validation" text,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "counters" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "supervisor_pid" integer;--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "proc_start" text;--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "status_file" text;--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "exit_code" integer;--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "exit_signal" text;--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "exited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "stop_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "managed_processes" ADD COLUMN "stop_reason" text;--> statement-breakpoint
ALTER TABLE "restarts" ADD COLUMN "kind" text DEFAULT 'restart' NOT NULL;--> statement-breakpoint
ALTER TABLE "restarts" ADD COLUMN "exit_code" integer;--> statement-breakpoint
ALTER TABLE "restarts" ADD COLUMN "exit_signal" text;--> statement-breakpoint
ALTER TABLE "restarts" ADD COLUMN "stderr_tail" text;--> statement-breakpoint
ALTER TABLE "restarts" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "target_healing" ADD COLUMN "crashes" bigint[] DEFAULT '{}'::bigint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "target_healing" ADD COLUMN "starting_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "target_healing" ADD COLUMN "starting_attempt_key" text;--> statement-breakpoint
ALTER TABLE "target_healing" ADD COLUMN "start_deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "follows_id" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "requires" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "exit_codes" integer[] DEFAULT '{}'::int[] NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "customised" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "diagnoses" ADD COLUMN "candidates" jsonb;--> statement-breakpoint
ALTER TABLE "runbook_runs" ADD COLUMN "warnings" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "config_versions" ADD CONSTRAINT "config_versions_target_targets_name_fk" FOREIGN KEY ("target") REFERENCES "public"."targets"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "config_versions_target_version_idx" ON "config_versions" USING btree ("target","version");--> statement-breakpoint
CREATE INDEX "config_versions_target_sha_idx" ON "config_versions" USING btree ("target","sha256");--> statement-breakpoint
INSERT INTO "counters" ("name", "value") SELECT 'incident', coalesce(max("id"), 0) FROM "incidents" ON CONFLICT DO NOTHING;
