// A TypeScript program using the generated Node.js SDK, as a user writes it. It is type-checked
// against @pulumi/pulumi from npm, not run: the Node.js language host is not served by the Go
// module proxy (see README, "From any language").
import * as pulumi from "@pulumi/pulumi";
import * as pinecone from "pulumi-pinecone-restore";

const config = new pulumi.Config();

const backup = pinecone.getBackupOutput({ backupId: config.require("backupId") });

const index = new pinecone.RestoredIndex("search-staging", {
    backupId: backup.backupId,
    tags: { env: "staging" },
}, { customTimeouts: { create: "90m" } });

export const host: pulumi.Output<string> = index.host;
export const restoredFrom: pulumi.Output<string | undefined> = backup.apply((b) => b.sourceIndexName);
