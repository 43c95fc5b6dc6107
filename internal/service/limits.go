package service

import "github.com/holdfast/holdfast/internal/domain"

// checkInput refuses a command whose text breaks the domain's limits
// (domain.CheckFields: too long for its field, not valid UTF-8, a control
// character in a one-line field, too many items in a list), naming each
// field and its limit, before anything is read or written. It is here, at
// the top of every command, so that the API, the pages, the CLI and the
// importer refuse the same input in the same words: the HTTP decoder's
// check alone let `holdfast user add` and the importer store what the API
// refused.
func checkInput(in any) error {
	return domain.CheckFields(in).Err()
}
