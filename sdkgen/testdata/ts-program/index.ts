// A TypeScript program using the generated Node.js SDK, written as a user writes one. It is
// type-checked with tsc against @pulumi/pulumi from npm, not run: the Node.js language host is
// not served by the Go module proxy (README, "From any language").
import * as pulumi from "@pulumi/pulumi";
import * as pinecone from "@pulumi-pinecone-restore/pinecone-restore";

const config = new pulumi.Config();

// A second Pinecone project, with its own key, beside the stack's default provider.
const staging = new pinecone.Provider("staging", {
    apiKey: config.requireSecret("stagingApiKey"),
});

// The newest Ready backup of the production index (a function: an invoke, no resource).
const backup = pinecone.getBackupOutput({ sourceIndexName: "prod-search", readyOnly: true });

const index = new pinecone.RestoredIndex("search-staging", {
    backupId: backup.backupId,
    tags: { env: "staging" },
    deletionProtection: "disabled",
    createTimeout: "90m",
}, { provider: staging, customTimeouts: { create: "90m" } });

// Several restores at once, as one resource; members are typed (RestoredIndexMember).
const previews = new pinecone.RestoredIndexSet("previews", {
    members: {
        search: { backupId: backup.backupId, tags: { env: "pr-42" } },
        docs: { backupId: config.require("docsBackupId"), deletionProtection: "disabled" },
    },
    createTimeout: 5400,
}, { provider: staging });

const nightly = new pinecone.IndexBackup("nightly", {
    sourceIndexName: index.name,
    description: "restored staging index",
});

export const host: pulumi.Output<string> = index.host;
export const restoredFrom: pulumi.Output<string> = backup.sourceIndexName;
export const previewHosts: pulumi.Output<{ [key: string]: string }> = previews.hosts;
export const nightlyBackup: pulumi.Output<string> = nightly.backupId;
