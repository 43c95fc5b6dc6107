package service_test

import (
	"context"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// Ready answers while the database does and fails once it cannot;
// AwaitsBootstrap is true until the first user is made.
func TestReadyAndAwaitsBootstrap(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, dsn, true) // closed by the test
		if err != nil {
			t.Fatal(err)
		}
		svc := service.New(db, service.Options{})
		if err := svc.Ready(ctx); err != nil {
			t.Fatalf("ready: %v", err)
		}
		if empty, err := svc.AwaitsBootstrap(ctx); err != nil || !empty {
			t.Fatalf("empty record: awaits bootstrap %v, %v", empty, err)
		}
		_, err = svc.Bootstrap(ctx, "Force", service.NewUser{Username: "admin", Name: "Admin", Collar: "A1",
			Rank: domain.RankStaff, Roles: []domain.Role{domain.RoleAdmin}, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		if empty, err := svc.AwaitsBootstrap(ctx); err != nil || empty {
			t.Fatalf("after bootstrap: awaits bootstrap %v, %v", empty, err)
		}
		db.Close()
		if err := svc.Ready(ctx); err == nil {
			t.Fatal("ready with the database closed")
		}
	})
}
