CREATE TABLE "restarts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"attempt_key" text NOT NULL,
	"attempt" integer NOT NULL,
	"driver" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"output" text,
	"due_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "target_healing" (
	"target" text PRIMARY KEY NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"restarts" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"failing_since" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"escalation_reason" text,
	"next_restart_at" timestamp with time zone,
	"next_attempt" integer,
	"restarting_at" timestamp with time zone,
	"restarts_in_window" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"driver" text DEFAULT 'simulator' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "restarts" ADD CONSTRAINT "restarts_target_targets_name_fk" FOREIGN KEY ("target") REFERENCES "public"."targets"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_healing" ADD CONSTRAINT "target_healing_target_targets_name_fk" FOREIGN KEY ("target") REFERENCES "public"."targets"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "restarts_attempt_key_idx" ON "restarts" USING btree ("attempt_key");--> statement-breakpoint
CREATE INDEX "restarts_target_idx" ON "restarts" USING btree ("target","started_at" DESC NULLS LAST);