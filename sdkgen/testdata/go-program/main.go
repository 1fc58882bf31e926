// Command go-program runs a Go stack that uses the generated Go SDK of pinecone-restore under
// the real Pulumi engine, through the Automation API with an inline program (the Go language
// host is not served by the module proxy; an inline program needs only the CLI).
//
//	go-program -engine <bin dir> -work <dir> -controller-host <url> \
//	    -source-index <name> -index-name <name> up|destroy
//
// The API key comes from PINECONE_API_KEY and is set as the secret stack config
// pinecone-restore:apiKey; the provider plugin pulumi-resource-pinecone-restore must be on
// PATH. The stack lives on a file backend under -work, so `up` and `destroy` can run as two
// processes. Each phase prints one JSON object on stdout: the stack outputs and the change
// summary.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	pinecone "github.com/pulumi-pinecone-restore/pulumi-pinecone-restore/sdk/go/pineconerestore"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const project = "go-sdk-restore"

// program finds the newest Ready backup of sourceIndex with the getBackup function and
// restores it into a RestoredIndex named indexName.
func program(sourceIndex, indexName string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		backup, err := pinecone.GetBackup(ctx, &pinecone.GetBackupArgs{
			SourceIndexName: pulumi.StringRef(sourceIndex),
			ReadyOnly:       pulumi.BoolRef(true),
		})
		if err != nil {
			return err
		}
		index, err := pinecone.NewRestoredIndex(ctx, "search-go", &pinecone.RestoredIndexArgs{
			BackupId:      pulumi.String(backup.BackupId),
			Name:          pulumi.String(indexName),
			Tags:          pulumi.StringMap{"env": pulumi.String("go")},
			CreateTimeout: pulumi.String("10m"),
		})
		if err != nil {
			return err
		}
		ctx.Export("backupId", pulumi.String(backup.BackupId))
		ctx.Export("host", index.Host)
		ctx.Export("indexName", index.Name)
		ctx.Export("restoreJobId", index.RestoreJobId)
		ctx.Export("tags", index.Tags)
		return nil
	}
}

type result struct {
	Outputs map[string]any `json:"outputs"`
	Changes map[string]int `json:"changes"`
}

func run(ctx context.Context, args []string) (*result, error) {
	flags := flag.NewFlagSet("go-program", flag.ContinueOnError)
	engine := flags.String("engine", "", "the bin directory of the Pulumi CLI")
	work := flags.String("work", "", "a directory of this run's own (backend, PULUMI_HOME)")
	host := flags.String("controller-host", "", "the Pinecone control plane URL")
	source := flags.String("source-index", "", "the index whose newest Ready backup to restore")
	name := flags.String("index-name", "", "the name of the restored index")
	if err := flags.Parse(args); err != nil {
		return nil, err
	}
	if flags.NArg() != 1 || *engine == "" || *work == "" || *host == "" || *source == "" || *name == "" {
		return nil, errors.New("usage: go-program -engine DIR -work DIR -controller-host URL -source-index NAME -index-name NAME up|destroy")
	}
	apiKey := os.Getenv("PINECONE_API_KEY")
	if apiKey == "" {
		return nil, errors.New("PINECONE_API_KEY is not set")
	}
	backend := filepath.Join(*work, "backend")
	if err := os.MkdirAll(backend, 0o755); err != nil {
		return nil, err
	}
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(*engine)})
	if err != nil {
		return nil, err
	}
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", project, program(*source, *name),
		auto.Pulumi(cli),
		auto.WorkDir(*work),
		auto.PulumiHome(filepath.Join(*work, "home")),
		auto.Project(workspace.Project{
			Name:    project,
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + backend},
		}),
		auto.EnvVars(map[string]string{
			"PULUMI_CONFIG_PASSPHRASE":                    "go-sdk-check",
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
			"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING":        "true",
		}),
	)
	if err != nil {
		return nil, err
	}
	config := auto.ConfigMap{
		"pinecone-restore:controllerHost": {Value: *host},
		"pinecone-restore:apiKey":         {Value: apiKey, Secret: true},
	}
	if err := stack.SetAllConfig(ctx, config); err != nil {
		return nil, err
	}
	switch flags.Arg(0) {
	case "up":
		res, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr))
		if err != nil {
			return nil, err
		}
		outputs := map[string]any{}
		for name, output := range res.Outputs {
			outputs[name] = output.Value
		}
		return &result{Outputs: outputs, Changes: changes(res.Summary.ResourceChanges)}, nil
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		if err != nil {
			return nil, err
		}
		return &result{Outputs: map[string]any{}, Changes: changes(res.Summary.ResourceChanges)}, nil
	default:
		return nil, fmt.Errorf("unknown phase %q (up or destroy)", flags.Arg(0))
	}
}

func changes(summary *map[string]int) map[string]int {
	if summary == nil {
		return map[string]int{}
	}
	return *summary
}

func main() {
	res, err := run(context.Background(), os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-program: %v\n", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintf(os.Stderr, "go-program: %v\n", err)
		os.Exit(1)
	}
}
