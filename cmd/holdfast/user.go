package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

func cmdUserAdd(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("user add")
	dsn := f.db()
	username := f.String("username", "", "sign-in name (required)")
	name := f.String("name", "", "full name (required)")
	collar := f.String("collar", "", "collar or staff number (required)")
	rank := f.String("rank", "staff", "rank: "+domain.RankChoices())
	roles := f.String("roles", "administrator", "roles, separated by commas: "+domain.RoleChoices())
	unit := f.String("unit", "", "unit id (default: the force)")
	email := f.String("email", "", "email address for notifications")
	force := f.String("force", "Holdfast Force", "name of the force to create when the database is empty")
	password := f.str("password", "", "password (default: generated and printed)")
	if err := f.parse(args); err != nil {
		return err
	}
	var rs []domain.Role
	for _, r := range strings.Split(*roles, ",") {
		rs = append(rs, domain.Role(strings.TrimSpace(r)))
	}
	pw := *password
	if pw == "" {
		pw = randomPassword()
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := service.New(db, service.Options{})
	in := service.NewUser{
		Username: *username,
		Name:     *name,
		Collar:   *collar,
		Email:    *email,
		Rank:     domain.Rank(*rank),
		UnitID:   *unit,
		Roles:    rs,
		Password: pw,
	}
	org, err := db.Org(ctx)
	if err != nil {
		return err
	}
	var u *domain.User
	if len(org.Units) == 0 {
		u, err = svc.Bootstrap(ctx, *force, in)
	} else {
		if in.UnitID == "" {
			for _, un := range org.Units {
				if un.Kind == domain.UnitForce {
					in.UnitID = un.ID
				}
			}
		}
		cli := service.SystemActor("cli")
		u, err = svc.CreateUser(ctx, cli, in)
	}
	if err != nil {
		if p, ok := domain.AsProblems(err); ok {
			var b strings.Builder
			for _, pr := range p {
				fmt.Fprintf(&b, "\n  --%s: %s", strings.ReplaceAll(pr.Field, "_id", ""), pr.Message)
			}
			return usageError("the user was not added:%s", b.String())
		}
		return err
	}
	fmt.Fprintf(stdout, "Added %s (%s), id %s.", u.Name, u.Username, u.ID)
	if *password == "" {
		fmt.Fprintf(stdout, " Password: %s (shown once)", pw)
	}
	fmt.Fprintln(stdout)
	return nil
}

// cmdUserResetPassword sets a user's password on the server. It is the only
// way to reset the password of someone who holds a role the two-person rule
// guards (an administrator, auditor, manager…): done in the pages, one
// administrator could sign in as another and approve their own grant. It
// goes through the service like any reset, so it is recorded, the sessions
// end, and the password must be changed at the next sign-in.
func cmdUserResetPassword(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("user reset-password")
	dsn := f.db()
	username := f.String("username", "", "sign-in name of the user (required)")
	password := f.str("password", "", "temporary password (default: generated and printed)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *username == "" {
		return usageError("give the user's sign-in name with --username")
	}
	pw := *password
	if pw == "" {
		pw = randomPassword()
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := db.Org(ctx)
	if err != nil {
		return err
	}
	var u *domain.User
	for _, x := range org.Users {
		if x.Username == *username {
			u = x
		}
	}
	if u == nil {
		return usageError("there is no user with the sign-in name %q", *username)
	}
	svc := service.New(db, service.Options{})
	if err := svc.ResetPassword(ctx, service.SystemActor("cli"), service.PasswordReset{UserID: u.ID, New: pw}); err != nil {
		if p, ok := domain.AsProblems(err); ok {
			var b strings.Builder
			for _, pr := range p {
				fmt.Fprintf(&b, "\n  %s", pr.Message)
			}
			return usageError("the password was not reset:%s", b.String())
		}
		return err
	}
	fmt.Fprintf(stdout, "Reset the password of %s; they must change it when they next sign in.", u.Name)
	if *password == "" {
		fmt.Fprintf(stdout, " Temporary password: %s (shown once)", pw)
	}
	fmt.Fprintln(stdout)
	return nil
}
