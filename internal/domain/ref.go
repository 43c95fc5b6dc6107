package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// RefPrefix begins every case reference: CSE/<year>/<six-digit number>.
const RefPrefix = "CSE"

// ParseRef reads a case reference however a person wrote it and returns
// it as the record writes it (CSE/2025/000507), or false if s is not one.
// It accepts the record's form, the path form (CSE-2025-000507), any mix
// of slashes, hyphens, dots, spaces and case ("cse 2025 507"), the prefix
// left off ("2025/507") and the number without its leading zeros. The year
// has four digits (1900 to 2999) and the number one to nine digits, not
// all zeros; nothing else may be in s but spaces around it.
func ParseRef(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return "", false
	}
	up := strings.ToUpper(s)
	if rest, ok := strings.CutPrefix(up, RefPrefix); ok {
		up = rest
	}
	parts := strings.FieldsFunc(up, func(r rune) bool {
		return r == '/' || r == '-' || r == ' ' || r == '.' || r == '\\' || r == '_' || r == '\t'
	})
	if len(parts) == 1 && len(parts[0]) == 10 && s != "" && up != s {
		// CSE2025000507: the prefix written, the separators left out.
		parts = []string{parts[0][:4], parts[0][4:]}
	}
	if len(parts) != 2 || len(parts[0]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 9 ||
		!digits(parts[0]) || !digits(parts[1]) {
		return "", false
	}
	year, _ := strconv.Atoi(parts[0])
	n, _ := strconv.Atoi(parts[1])
	if year < 1900 || year > 2999 || n == 0 {
		return "", false
	}
	return fmt.Sprintf("%s/%04d/%06d", RefPrefix, year, n), true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
