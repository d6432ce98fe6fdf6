CREATE TABLE "deployments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"version" text NOT NULL,
	"commit_at" timestamp with time zone,
	"deployed_at" timestamp with time zone NOT NULL,
	"result" text NOT NULL,
	"source" text NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollup_progress" (
	"level" text PRIMARY KEY NOT NULL,
	"up_to" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sample_rollups" (
	"target" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"valid" integer NOT NULL,
	"good" integer NOT NULL,
	"under100" integer NOT NULL,
	"under250" integer NOT NULL,
	"under500" integer NOT NULL,
	"under1000" integer NOT NULL,
	"under2500" integer NOT NULL,
	"under5000" integer NOT NULL,
	CONSTRAINT "sample_rollups_target_bucket_pk" PRIMARY KEY("target","bucket")
);
--> statement-breakpoint
CREATE TABLE "sample_rollups_hourly" (
	"target" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"valid" integer NOT NULL,
	"good" integer NOT NULL,
	"under100" integer NOT NULL,
	"under250" integer NOT NULL,
	"under500" integer NOT NULL,
	"under1000" integer NOT NULL,
	"under2500" integer NOT NULL,
	"under5000" integer NOT NULL,
	CONSTRAINT "sample_rollups_hourly_target_hour_pk" PRIMARY KEY("target","hour")
);
--> statement-breakpoint
CREATE TABLE "slo_alert_state" (
	"slo_id" bigint NOT NULL,
	"rule" text NOT NULL,
	"firing" boolean DEFAULT false NOT NULL,
	"since" timestamp with time zone,
	"last_notified_at" timestamp with time zone,
	"incident_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slo_alert_state_slo_id_rule_pk" PRIMARY KEY("slo_id","rule")
);
--> statement-breakpoint
CREATE TABLE "slos" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"selector" jsonb NOT NULL,
	"objective_percent" double precision NOT NULL,
	"threshold_ms" integer,
	"window_days" smallint NOT NULL,
	"policy" text DEFAULT 'none' NOT NULL,
	"policy_lifted_until" timestamp with time zone,
	"source" text NOT NULL,
	"learning_id" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "slo_alert_state" ADD CONSTRAINT "slo_alert_state_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deployments_deployed_at_idx" ON "deployments" USING btree ("deployed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "deployments_service_idx" ON "deployments" USING btree ("service","deployed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "deployments_probe_version_idx" ON "deployments" USING btree ("service","version") WHERE "deployments"."source" = 'probe';--> statement-breakpoint
CREATE INDEX "sample_rollups_bucket_idx" ON "sample_rollups" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "sample_rollups_hourly_hour_idx" ON "sample_rollups_hourly" USING btree ("hour");--> statement-breakpoint
CREATE UNIQUE INDEX "slos_name_idx" ON "slos" USING btree ("name");