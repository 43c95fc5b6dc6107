package store_test

import (
	"context"
	"database/sql"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/holdfast/holdfast/internal/store"
)

// TestAHungPostgreSQLIsNotBusy: pgx turns a network timeout under the
// request's deadline into a bare context.DeadlineExceeded (its
// normalizeTimeoutError drops the *net.OpError), so a PostgreSQL server
// that accepts a connection and never answers — hung, or cut off behind a
// firewall — was called "busy … Nothing was changed", which no one can
// know. A real listener that never answers stands in for the server.
func TestAHungPostgreSQLIsNotBusy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held <- c // accepted, never answered
		}
	}()
	defer func() {
		for len(held) > 0 {
			(<-held).Close()
		}
	}()
	dsn := "postgres://holdfast@" + ln.Addr().String() + "/holdfast?sslmode=disable"

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = pgconn.Connect(ctx, dsn)
	if err == nil {
		t.Fatal("connected to a server that never answers")
	}
	if store.Busy(err) || !store.Unavailable(err) {
		t.Errorf("a hung server on connect: Busy %v, Unavailable %v (%v)", store.Busy(err), store.Unavailable(err), err)
	}

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	_, err = db.ExecContext(ctx2, "INSERT INTO events VALUES (1)")
	if err == nil {
		t.Fatal("wrote to a server that never answers")
	}
	if store.Busy(err) || !store.Unavailable(err) {
		t.Errorf("a hung server through database/sql: Busy %v, Unavailable %v (%v)", store.Busy(err),
			store.Unavailable(err), err)
	}
}
