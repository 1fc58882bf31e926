//go:build tools

// Package engine pins the Pulumi CLI that `python3 dev.py engine` builds for the
// real-engine tests and the demo.
package engine

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
