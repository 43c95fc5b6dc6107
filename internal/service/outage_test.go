package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A database that cannot answer is not a signed-out user (issue 23): with
// valid credentials, a failed look-up of the session or token is
// ErrUnavailable (503, retry), never ErrUnauthenticated (401, "sign in
// first"), which sent browsers to the sign-in page and told integrations
// their tokens were revoked. Unknown credentials stay ErrUnauthenticated.
func TestAuthenticationDuringAnOutageIsUnavailableNotSignedOut(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { authDuringOutage(t, engine) })
	}
}

func authDuringOutage(t *testing.T, engine string) {
	ctx := context.Background()
	// Its own store, not testdb.Open's: the test closes it.
	db, err := sqlstore.Open(ctx, testdb.DSN(t, engine), true)
	if err != nil {
		t.Fatal(err)
	}
	{
		f := fixture.New(t, db)
		sess, err := f.Svc.SignIn(ctx, "ivy", fixture.Password)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := f.Svc.CreateToken(ctx, f.Investigator, "outage test")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.Svc.SessionActor(ctx, "no such session"); !errors.Is(err, service.ErrUnauthenticated) {
			t.Fatalf("unknown session: got %v, want ErrUnauthenticated", err)
		}
		if _, err := f.Svc.TokenActor(ctx, "hf_no_such_token"); !errors.Is(err, service.ErrUnauthenticated) {
			t.Fatalf("unknown token: got %v, want ErrUnauthenticated", err)
		}

		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.Svc.SessionActor(ctx, sess.Token)
		assertUnavailable(t, "session", err)
		_, err = f.Svc.TokenActor(ctx, tok)
		assertUnavailable(t, "token", err)
		_, err = f.Svc.SignIn(ctx, "ivy", fixture.Password)
		assertUnavailable(t, "sign-in", err)
		// Even an unknown token cannot be told apart from a valid one while
		// the database is down: it must not be answered "sign in".
		_, err = f.Svc.TokenActor(ctx, "hf_no_such_token")
		assertUnavailable(t, "unknown token", err)
	}
}

func assertUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if errors.Is(err, service.ErrUnauthenticated) {
		t.Fatalf("%s with the database closed: answered not signed in (%v)", what, err)
	}
	if !errors.Is(err, service.ErrUnavailable) && !store.Unavailable(err) {
		t.Fatalf("%s with the database closed: got %v, want ErrUnavailable", what, err)
	}
}
