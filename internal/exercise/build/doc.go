// Package build sets an exercise up: the demo's synthetic force, generated
// from a seed, with trainee accounts and its planted errors dealt to them.
package build
