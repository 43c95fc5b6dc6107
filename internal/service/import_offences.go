package service

// The import's offences: a source system's offence text becomes a code of
// the classification through the file's own offence_map lines, then the
// classification in force (its codes, titles and mappings, a force's
// included). A text neither knows refuses the file, naming the nearest
// titles.

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/offence"
)

// readOffenceMaps takes the file's offence_map lines: each must name a
// code of the classification.
func (im *importer) readOffenceMaps(f *casefile.File) {
	cls := offence.Current()
	im.offenceMap = map[string]string{}
	for _, l := range f.OffenceMaps {
		m := l.Record
		code, _, ok := cls.Map(m.Code)
		if !ok || !cls.IsCode(code) {
			im.problem(l.N, "code", "%q is not an offence code of the classification.%s", m.Code,
				nearestOffences(cls, m.Code))
			continue
		}
		im.offenceMap[offence.Normal(m.Text)] = code
	}
}

// offenceCodes maps a case's offence texts to codes, once each, refusing
// each text nothing maps (field offence_types[i]) with the nearest titles.
func (im *importer) offenceCodes(line int, texts []string) []string {
	cls := offence.Current()
	out := make([]string, 0, len(texts))
	seen := map[string]bool{}
	for i, t := range texts {
		code, ok := im.offenceMap[offence.Normal(t)]
		if !ok {
			code, _, ok = cls.Map(t)
		}
		if !ok {
			im.problem(line, fmt.Sprintf("offence_types[%d]", i),
				"%q is not an offence Holdfast knows: map it with an offence_map line, or give its code or title.%s",
				t, nearestOffences(cls, t))
			continue
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return out
}
