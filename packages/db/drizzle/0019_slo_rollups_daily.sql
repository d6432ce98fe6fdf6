CREATE TABLE "slo_rollups_daily" (
	"slo_id" bigint NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"valid" bigint NOT NULL,
	"good" bigint NOT NULL,
	"bad_hours" double precision NOT NULL,
	CONSTRAINT "slo_rollups_daily_slo_id_day_pk" PRIMARY KEY("slo_id","day")
);
--> statement-breakpoint
ALTER TABLE "slo_rollups_daily" ADD CONSTRAINT "slo_rollups_daily_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;