// Package version names the build, set at link time with
// -ldflags "-X github.com/holdfast/holdfast/internal/version.Version=...".
package version

// Version of this build.
var Version = "0.1.0-dev"
