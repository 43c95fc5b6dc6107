package ledger

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Checkpoint is the body of a C2SP tlog-checkpoint: origin, tree size, root
// hash, and optional extension lines.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
	// Time is when the log signed the checkpoint, carried in its first
	// extension line (TimeLine) so the signature covers it; zero in a
	// checkpoint cut before Holdfast signed the time, whose time then rests
	// on nothing but the database's word.
	Time       time.Time
	Extensions []string // the extension lines after the time line
}

// TimeLine begins the extension line that carries a checkpoint's time in
// whole seconds since 1970 UTC, "time 1796624505", as C2SP cosignature/v1
// carries a witness's. The C2SP formats leave extension lines to the log;
// a witness's cosignature/v1 covers them with the rest of the body but
// vouches only for the tree.
const TimeLine = "time "

// SignedTime is t as a checkpoint carries it: UTC, to the second.
func SignedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// Marshal formats the checkpoint body; every line ends with a newline.
func (c Checkpoint) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root))
	if !c.Time.IsZero() {
		b.WriteString(TimeLine + strconv.FormatInt(c.Time.Unix(), 10) + "\n")
	}
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
		if strings.HasPrefix(e, TimeLine) {
			// Only the first extension line may carry the time, and only
			// in its one spelling: a checkpoint never says two times, and
			// never one that reads two ways.
			n := e[len(TimeLine):]
			secs, err := strconv.ParseInt(n, 10, 64)
			if i != 0 || err != nil || secs <= 0 || strconv.FormatInt(secs, 10) != n {
				return c, fmt.Errorf("checkpoint line %d: %q is not the time line (line 4: %sSECONDS, a whole "+
					"number of seconds since 1970 UTC)", i+4, e, TimeLine)
			}
			t := time.Unix(secs, 0).UTC()
			c.Time = t
			continue
		}
		c.Extensions = append(c.Extensions, e)
	}
	return c, nil
}
