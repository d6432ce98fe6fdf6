CREATE TABLE "run_locks" (
	"target" text PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_steps" (
	"run_id" bigint NOT NULL,
	"idx" integer NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"action" jsonb NOT NULL,
	"retry_safe" boolean NOT NULL,
	"on_failure" text NOT NULL,
	"target" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"output" text DEFAULT '' NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"decided_by" text,
	CONSTRAINT "run_steps_run_id_idx_pk" PRIMARY KEY("run_id","idx")
);
--> statement-breakpoint
CREATE TABLE "runbook_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"runbook_id" text NOT NULL,
	"runbook_version" text NOT NULL,
	"runbook_title" text NOT NULL,
	"procedure_id" text NOT NULL,
	"procedure_title" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"params" jsonb NOT NULL,
	"procedure" jsonb NOT NULL,
	"targets" text[] NOT NULL,
	"started_by_user" uuid,
	"started_by" text NOT NULL,
	"incident_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"cancel_requested_at" timestamp with time zone,
	"cancelled_by" text,
	"error" text,
	"epoch" integer DEFAULT 0 NOT NULL,
	"dispatches" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "run_locks" ADD CONSTRAINT "run_locks_run_id_runbook_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runbook_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_runbook_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runbook_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runbook_runs" ADD CONSTRAINT "runbook_runs_started_by_user_users_id_fk" FOREIGN KEY ("started_by_user") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runbook_runs" ADD CONSTRAINT "runbook_runs_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runbook_runs_created_idx" ON "runbook_runs" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "runbook_runs_incident_idx" ON "runbook_runs" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "runbook_runs_status_idx" ON "runbook_runs" USING btree ("status");