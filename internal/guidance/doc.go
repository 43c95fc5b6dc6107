// Package guidance holds the short explanations linked from every gate
// refusal and every duty ("Why?"): the rule, why it exists, and its source.
// Defaults ship embedded; a force may replace or add entries in its own file.
package guidance
