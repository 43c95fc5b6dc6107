package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/policy"
)

// The shipped auth settings, their defaults when left out, and refusals.
func TestAuthSettings(t *testing.T) {
	want := policy.Auth{LockoutFailures: 5, LockoutWindow: 15 * time.Minute, LockoutFor: 15 * time.Minute,
		AccountFailures: 20, AddressFailures: 50, SessionIdle: 30 * time.Minute, SessionLifetime: 12 * time.Hour, TokenDays: 90,
		PasswordMinLength: 12, MFARequired: "all"}
	got := policy.Default().Auth
	if !got.PasswordsOn() {
		t.Fatal("local passwords are off in the shipped policy")
	}
	got.LocalPasswords = nil
	if got != want {
		t.Fatalf("shipped: %+v, want %+v", got, want)
	}
	src := string(policy.DefaultYAML())
	cut := src[:strings.Index(src, "\nauth:")]
	p, err := policy.Parse([]byte(cut))
	if err == nil {
		p.Auth.LocalPasswords = nil
	}
	if err != nil || p.Auth != want {
		t.Fatalf("left out: %+v %v, want the defaults", p, err)
	}
	for bad, says := range map[string]string{
		"lockout_failures: 0\n  lockout_window: 1m": "",
		"lockout_failures: 500":                     "lockout_failures",
		"session_idle: 30s":                         "session_idle",
		"session_idle: 13h":                         "session_idle",
		"token_days: 1000":                          "token_days",
		"password_min_length: 6":                    "password_min_length",
		"session_lifetime: 200h":                    "session_lifetime",
		"session_idle: forever":                     "forever",
		"address_failures: 2":                       "address_failures",
		"account_failures: 3":                       "account_failures",
		"account_failures: 101":                     "account_failures",
		"lockout_for: 10s":                          "lockout_for",
		"mfa_required: sometimes":                   "mfa_required",
		"no_such_setting: 1":                        "no_such_setting",
	} {
		_, err := policy.Parse([]byte(cut + "\nauth:\n  " + bad + "\n"))
		if says == "" {
			if err != nil {
				t.Errorf("%q refused: %v", bad, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want a refusal naming %s", bad, err, says)
		}
	}
}
