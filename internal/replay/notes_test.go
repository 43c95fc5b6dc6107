package replay_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// noted is an allocated case with two notes, the second correcting the
// first, and a victim with a contact.
func noted(t *testing.T, db *sqlstore.DB) (*fixture.Force, *domain.Case) {
	t.Helper()
	f, c := contacted(t, db)
	var err error
	for _, text := range []string{"Spoke to the school on Monday", "Spoke to the school on Tuesday"} {
		f.Clock.Advance(time.Hour)
		in := service.NewNote{Version: c.Version, Text: text}
		if c.NoteCount > 0 {
			in.Corrects = c.Notes[len(c.Notes)-1].ID
		}
		if c, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
		t.Fatalf("before: %v %v", d, err)
	}
	return f, c
}

// TestOldNotesSplitOnOpen: a record written before the note log
// (migration 00044), and before the contact log (00041), kept every note
// and every contact in the case's document. Opening the store moves both
// out, and the record then equals its replay.
func TestOldNotesSplitOnOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, c := noted(t, db)
		logged, err := db.Notes(ctx, c.ID)
		if err != nil || len(logged) != 2 || logged[1].Corrects != logged[0].ID {
			t.Fatalf("note log: %+v %v", logged, err)
		}
		contacts, err := db.Contacts(ctx, c.ID)
		vid := c.Victims[0].ID
		if err != nil || len(contacts[vid]) != 2 {
			t.Fatalf("contact log: %v %v", contacts, err)
		}
		live, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(live.Notes) != 0 || live.NoteCount != 2 {
			t.Fatalf("the document holds %d notes, counts %d", len(live.Notes), live.NoteCount)
		}
		// The document as the old fold wrote it: the notes in it, no
		// count; the contacts in the victim's entry, no summary.
		var doc map[string]any
		b, _ := json.Marshal(live)
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		doc["notes"] = logged
		delete(doc, "note_count")
		v := doc["victims"].([]any)[0].(map[string]any)
		v["contacts"] = contacts[vid]
		delete(v, "contact_count")
		delete(v, "first_contact")
		delete(v, "latest_contacts")
		b, _ = json.Marshal(doc)
		migrateOldShape(t, db, c.ID, b, "DELETE FROM case_notes WHERE case_id = ?",
			"DELETE FROM victim_contacts WHERE case_id = ?", "DELETE FROM case_notes_built",
			"DELETE FROM victim_contacts_built")
		var after string
		if err := db.Raw().QueryRow(strings.Replace("SELECT doc FROM cases WHERE id = ?", "?",
			map[bool]string{true: "$1", false: "?"}[db.Engine() == "postgres"], 1), c.ID).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(after, `"notes"`) || strings.Contains(after, `"contacts"`) {
			t.Errorf("notes or contacts left in the document: %s", after)
		}
		if got, err := db.Notes(ctx, c.ID); err != nil || len(got) != 2 || got[0].Text != "Spoke to the school on Monday" {
			t.Errorf("note log after the split: %+v %v", got, err)
		}
	})
}
