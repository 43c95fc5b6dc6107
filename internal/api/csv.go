package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
)

// writeCSV serves f as an attachment that is never cached: it holds case
// references.
func writeCSV(w http.ResponseWriter, status int, f csvFile) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, f.name))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	csv.NewWriter(w).WriteAll(f.rows)
}
