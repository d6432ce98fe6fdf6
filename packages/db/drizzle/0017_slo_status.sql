CREATE TABLE "slo_rollup_state" (
	"slo_id" bigint PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"built_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slo_rollups" (
	"slo_id" bigint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"valid" integer NOT NULL,
	"good" integer NOT NULL,
	CONSTRAINT "slo_rollups_slo_id_bucket_pk" PRIMARY KEY("slo_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "slo_rollups_hourly" (
	"slo_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"valid" integer NOT NULL,
	"good" integer NOT NULL,
	CONSTRAINT "slo_rollups_hourly_slo_id_hour_pk" PRIMARY KEY("slo_id","hour")
);
--> statement-breakpoint
CREATE TABLE "slo_status" (
	"slo_id" bigint PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"key" text NOT NULL,
	"status" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "slo_rollup_state" ADD CONSTRAINT "slo_rollup_state_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slo_rollups" ADD CONSTRAINT "slo_rollups_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slo_rollups_hourly" ADD CONSTRAINT "slo_rollups_hourly_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slo_status" ADD CONSTRAINT "slo_status_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "slo_rollups_bucket_idx" ON "slo_rollups" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "slo_rollups_hourly_hour_idx" ON "slo_rollups_hourly" USING btree ("hour");