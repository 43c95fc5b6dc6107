package request

import "github.com/holdfast/holdfast/internal/domain"

// ParseRef reads a case reference however a person wrote it
// (CSE/2025/000507, CSE-2025-000507, 2025/507, cse 2025 507) and returns it
// as the record writes it, or false if s is not one: domain.ParseRef.
func ParseRef(s string) (string, bool) { return domain.ParseRef(s) }
