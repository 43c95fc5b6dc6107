package ledger

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Checkpoint is the body of a C2SP tlog-checkpoint: origin, tree size, root
// hash, and optional extension lines.
type Checkpoint struct {
	Origin     string
	Size       uint64
	Root       []byte
	Extensions []string
}

// Marshal formats the checkpoint body; every line ends with a newline.
func (c Checkpoint) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root))
	for _, e := range c.Extensions {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseCheckpoint reads a checkpoint body strictly, naming the line at fault.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	var c Checkpoint
	s := string(text)
	if !strings.HasSuffix(s, "\n") {
		return c, fmt.Errorf("checkpoint: the last line does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) < 3 {
		return c, fmt.Errorf("checkpoint: %d lines, need origin, tree size and root hash", len(lines))
	}
	if lines[0] == "" {
		return c, fmt.Errorf("checkpoint line 1: the origin is empty")
	}
	c.Origin = lines[0]
	if lines[1] == "" || (len(lines[1]) > 1 && lines[1][0] == '0') || strings.TrimLeft(lines[1], "0123456789") != "" {
		return c, fmt.Errorf("checkpoint line 2: tree size %q is not a decimal number without leading zeros", lines[1])
	}
	n, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return c, fmt.Errorf("checkpoint line 2: tree size %q: %v", lines[1], err)
	}
	c.Size = n
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != Hasher.Size() {
		return c, fmt.Errorf(
			"checkpoint line 3: root hash %q is not %d bytes of standard base64",
			lines[2],
			Hasher.Size(),
		)
	}
	c.Root = root
	for i, e := range lines[3:] {
		if e == "" {
			return c, fmt.Errorf("checkpoint line %d: an extension line is empty", i+4)
		}
		c.Extensions = append(c.Extensions, e)
	}
	return c, nil
}
