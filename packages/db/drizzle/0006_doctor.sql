CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"error_code" text NOT NULL,
	"signature" text,
	"keywords" text[] NOT NULL,
	"solution" text NOT NULL,
	"actions" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"successes" integer DEFAULT 0 NOT NULL,
	"builtin" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "diagnoses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"signature" text,
	"evidence" text NOT NULL,
	"case_id" text,
	"confidence" real,
	"actions" jsonb,
	"outcome" text NOT NULL,
	"detail" text,
	"incident_id" bigint,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "diagnoses" ADD CONSTRAINT "diagnoses_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diagnoses" ADD CONSTRAINT "diagnoses_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "diagnoses_target_idx" ON "diagnoses" USING btree ("target","at" DESC NULLS LAST);