CREATE TABLE "managed_processes" (
	"target" text PRIMARY KEY NOT NULL,
	"pid" integer NOT NULL,
	"host" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"log_file" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "managed_processes" ADD CONSTRAINT "managed_processes_target_targets_name_fk" FOREIGN KEY ("target") REFERENCES "public"."targets"("name") ON DELETE cascade ON UPDATE no action;