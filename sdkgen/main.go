// Command sdkgen writes the Node.js, Go and Python SDKs of a Pulumi package from its schema,
// with Pulumi's own code generators (the same pkg/v3 module the project's Pulumi CLI is built
// from: see go.mod and ../engine/go.mod).
//
//	sdkgen -schema docs/schema.json -out build/sdks [-languages nodejs,go,python]
//
// The schema is bound and validated as `pulumi package gen-sdk` does it (Pulumi's metaschema
// and binder); any error diagnostic stops the run before a file is written. Each language's SDK
// goes to <out>/<language>/, replacing what was there. The package must be self-contained: a
// reference to another package's schema is refused, since no plugin host is at hand to load it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the header of every generated file.
const tool = "pinecone-restore-sdkgen"

// generators maps a language to its code generator, called as the language hosts call it.
var generators = map[string]func(*schema.Package) (map[string][]byte, error){
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, selfContained{})
	},
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	},
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		return python.GeneratePackage(tool, pkg, nil, selfContained{})
	},
}

// errForeignPackage is returned when the schema refers to another package's schema.
var errForeignPackage = errors.New("the schema refers to another package; sdkgen generates " +
	"self-contained packages only")

// selfContained is the schema loader of a package that refers to no other package: every load
// is refused (Pulumi's own built-in types, such as pulumi.json#/Any, need no loader).
type selfContained struct{}

func (selfContained) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("%w (%s)", errForeignPackage, name)
}

func (selfContained) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("%w (%s)", errForeignPackage, d.Name)
}

func (selfContained) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("%w (%s)", errForeignPackage, name)
}

func (selfContained) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("%w (%s)", errForeignPackage, d.Name)
}

// bind reads and binds the schema at path, failing on any error diagnostic.
func bind(path string) (*schema.PackageSpec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s is not a package schema: %w", path, err)
	}
	// Binding once here reports every problem of the schema together, before any generator runs.
	_, diags, err := schema.BindSpec(spec, selfContained{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s does not bind:\n%s", path, describe(diags))
	}
	return &spec, nil
}

// describe lists the error diagnostics one a line, as `pulumi package get-schema` shows them.
func describe(diags hcl.Diagnostics) string {
	var lines []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := "  " + d.Summary
		if d.Detail != "" {
			line += ": " + d.Detail
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// generate writes the SDK of one language into dir, replacing dir.
func generate(spec *schema.PackageSpec, language, dir string) (int, error) {
	// Each generator records its language info on the package it is given: bind afresh.
	pkg, diags, err := schema.BindSpec(*spec, selfContained{}, schema.ValidationOptions{})
	if err != nil {
		return 0, fmt.Errorf("binding for %s: %w", language, err)
	}
	if diags.HasErrors() {
		return 0, fmt.Errorf("binding for %s:\n%s", language, describe(diags))
	}
	files, err := generators[language](pkg)
	if err != nil {
		return 0, fmt.Errorf("generating the %s SDK: %w", language, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return 0, err
	}
	for name, content := range files {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}

func run(args []string) error {
	flags := flag.NewFlagSet("sdkgen", flag.ContinueOnError)
	schemaPath := flags.String("schema", "", "the package schema (JSON)")
	out := flags.String("out", "", "the folder to write <language>/ SDKs into")
	languages := flags.String("languages", "nodejs,go,python", "comma-separated: nodejs, go, python")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *schemaPath == "" || *out == "" {
		return errors.New("both -schema and -out are required")
	}
	chosen := strings.Split(*languages, ",")
	for _, language := range chosen {
		if _, ok := generators[language]; !ok {
			known := make([]string, 0, len(generators))
			for name := range generators {
				known = append(known, name)
			}
			sort.Strings(known)
			return fmt.Errorf("unknown language %q in -languages (known: %s)", language, strings.Join(known, ", "))
		}
	}
	spec, err := bind(*schemaPath)
	if err != nil {
		return err
	}
	for _, language := range chosen {
		dir := filepath.Join(*out, language)
		count, err := generate(spec, language, dir)
		if err != nil {
			return err
		}
		fmt.Printf("sdkgen: %s SDK of %s: %d files in %s\n", language, spec.Name, count, dir)
	}
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}
