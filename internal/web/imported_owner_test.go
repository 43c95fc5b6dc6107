package web

import (
	"testing"

	"github.com/holdfast/holdfast/internal/service"
)

// TestImportedOwnerReadsTheSource: the owner's reason an import gives is
// said in words by the case's source, not by parsing the sentence; a
// reason a person typed, or one naming another system, is as given.
func TestImportedOwnerReadsTheSource(t *testing.T) {
	imported := service.ImportedOwnerReason("northshire-cis")
	for _, c := range []struct{ reason, source, want string }{
		{imported, "import:northshire-cis", "as recorded in the system the case was imported from (Northshire CIS)"},
		{imported, "mash", imported},
		{service.ImportedOwnerReason("other-cis"), "import:northshire-cis", "as recorded in other-cis"},
		{"as recorded in the MASH minutes", "mash", "as recorded in the MASH minutes"},
	} {
		if got := importedOwner(c.reason, c.source); got != c.want {
			t.Errorf("importedOwner(%q, %q) = %q, want %q", c.reason, c.source, got, c.want)
		}
	}
}
