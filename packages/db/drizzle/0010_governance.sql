CREATE TABLE "ballots" (
	"proposal_id" bigint NOT NULL,
	"member" text NOT NULL,
	"choice" text NOT NULL,
	"actor" text NOT NULL,
	"cast_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changes" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ballots_proposal_id_member_pk" PRIMARY KEY("proposal_id","member")
);
--> statement-breakpoint
CREATE TABLE "governance_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"proposal_id" bigint,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"member" text,
	"actor" text NOT NULL,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "governance_members" (
	"member" text PRIMARY KEY NOT NULL,
	"active" boolean NOT NULL,
	"proposal_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"category" text NOT NULL,
	"threshold" text NOT NULL,
	"requires" text[] NOT NULL,
	"eligible" text[] NOT NULL,
	"ballots_visible" boolean NOT NULL,
	"participation_quorum" real NOT NULL,
	"change" jsonb,
	"author" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"outcome_reason" text,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"apply_status" text,
	"apply_reason" text,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"proposal_id" bigint NOT NULL,
	"duty" text NOT NULL,
	"member" text NOT NULL,
	"verdict" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviews_proposal_id_duty_pk" PRIMARY KEY("proposal_id","duty")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "member" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "governance_events_proposal_idx" ON "governance_events" USING btree ("proposal_id","id");--> statement-breakpoint
CREATE INDEX "proposals_open_idx" ON "proposals" USING btree ("status","deadline");--> statement-breakpoint
-- The governance log is append-only, like the audit log.
CREATE TRIGGER governance_events_append_only BEFORE UPDATE OR DELETE ON governance_events FOR EACH ROW EXECUTE FUNCTION ops_refuse_change();
--> statement-breakpoint
CREATE TRIGGER governance_events_no_truncate BEFORE TRUNCATE ON governance_events FOR EACH STATEMENT EXECUTE FUNCTION ops_refuse_change();
