CREATE TABLE "backups" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"trigger" text NOT NULL,
	"path" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"size" bigint,
	"sha256" text,
	"manifest" jsonb,
	"error" text,
	"verified_at" timestamp with time zone,
	"verify_ok" boolean,
	"verify_detail" text,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "backups_type_idx" ON "backups" USING btree ("type","started_at" DESC NULLS LAST);