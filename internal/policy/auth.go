package policy

import (
	"bytes"
	"fmt"
	"time"
)

// Auth is how signing in is guarded (docs/security.md). Every field is
// optional in the file; a missing or zero one takes the default below.
type Auth struct {
	// LockoutFailures wrong passwords for one account within LockoutWindow
	// lock it for LockoutFor (or until an administrator unlocks it).
	LockoutFailures int           `yaml:"lockout_failures"` // default 5
	LockoutWindow   time.Duration `yaml:"lockout_window"`   // default 15m
	LockoutFor      time.Duration `yaml:"lockout_for"`      // default 15m
	// LockoutFailures count per client address (an IPv6 /64): they lock
	// that address out of the account, not the owner at their own desk.
	// AccountFailures wrong passwords for one account within LockoutWindow,
	// from every address together (each counting at most LockoutFailures),
	// lock it from everywhere for LockoutFor: a guess spread over many
	// addresses still stops (docs/security.md says why 20).
	AccountFailures int `yaml:"account_failures"` // default 20
	// AddressFailures failed sign-ins from one client address (an IPv6
	// /64) within LockoutWindow make that address wait (429) until the
	// window passes.
	AddressFailures int `yaml:"address_failures"` // default 50
	// SessionIdle ends a session unused for that long; SessionLifetime
	// ends any session that long after it began.
	SessionIdle     time.Duration `yaml:"session_idle"`     // default 30m
	SessionLifetime time.Duration `yaml:"session_lifetime"` // default 12h
	// TokenDays is how long a new API token lasts, in days.
	TokenDays int `yaml:"token_days"` // default 90
	// PasswordMinLength is the shortest password accepted (NCSC: length
	// and a deny-list, no composition rules).
	PasswordMinLength int `yaml:"password_min_length"` // default 12
	// MFARequired says whose local accounts must use a second factor:
	// "all" (the default), "administrators", or "none" (the demo and
	// tests only: serve warns loudly). Administrators always need one
	// unless it is "none".
	MFARequired string `yaml:"mfa_required"`
	// LocalPasswords off ("false") refuses every password sign-in: the
	// force signs in through its identity provider only (serve --oidc-*).
	LocalPasswords *bool `yaml:"local_passwords"` // default true
}

// PasswordsOn reports whether local passwords may be used to sign in.
func (a Auth) PasswordsOn() bool { return a.LocalPasswords == nil || *a.LocalPasswords }

// MFAFor reports whether a person holding admin (an administrator or
// not) must use a second factor.
func (a Auth) MFAFor(admin bool) bool {
	switch a.MFARequired {
	case "none":
		return false
	case "administrators":
		return admin
	}
	return true
}

// authDefaults fills the zero fields of a and reports values out of range.
func (a *Auth) authDefaults(bad func(format string, args ...any)) {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if a.LockoutFailures == 0 {
		a.LockoutFailures = 5
	}
	if a.AccountFailures == 0 {
		a.AccountFailures = 20
	}
	if a.AddressFailures == 0 {
		a.AddressFailures = 50
	}
	if a.TokenDays == 0 {
		a.TokenDays = 90
	}
	if a.PasswordMinLength == 0 {
		a.PasswordMinLength = 12
	}
	if a.MFARequired == "" {
		a.MFARequired = "all"
	}
	def(&a.LockoutWindow, 15*time.Minute)
	def(&a.LockoutFor, 15*time.Minute)
	def(&a.SessionIdle, 30*time.Minute)
	def(&a.SessionLifetime, 12*time.Hour)
	switch {
	case a.LockoutFailures < 1 || a.LockoutFailures > 100:
		bad("auth.lockout_failures %d must be between 1 and 100", a.LockoutFailures)
	case a.AccountFailures < a.LockoutFailures || a.AccountFailures > 100:
		// NIST SP 800-63B 5.2.2: at most 100 consecutive failures.
		bad("auth.account_failures %d must be between auth.lockout_failures and 100", a.AccountFailures)
	case a.AddressFailures < a.LockoutFailures:
		bad("auth.address_failures %d must be at least auth.lockout_failures", a.AddressFailures)
	case a.SessionIdle < time.Minute || a.SessionIdle > a.SessionLifetime:
		bad("auth.session_idle %s must be at least 1m and no longer than auth.session_lifetime", a.SessionIdle)
	case a.SessionLifetime > 7*24*time.Hour:
		bad("auth.session_lifetime %s must be at most a week", a.SessionLifetime)
	case a.TokenDays < 1 || a.TokenDays > 366:
		bad("auth.token_days %d must be between 1 and 366", a.TokenDays)
	case a.PasswordMinLength < 8 || a.PasswordMinLength > 64:
		bad("auth.password_min_length %d must be between 8 and 64 (NCSC: at least 8)", a.PasswordMinLength)
	case a.MFARequired != "all" && a.MFARequired != "administrators" && a.MFARequired != "none":
		bad("auth.mfa_required %q must be all, administrators or none", a.MFARequired)
	case a.LockoutWindow < time.Minute || a.LockoutFor < time.Minute:
		bad("auth.lockout_window and auth.lockout_for must be at least 1m")
	}
}

// String is the settings as a person reads them: "After 5 wrong passwords
// for an account in 15 minutes from one address, that address cannot sign
// in to it for 15 minutes; …".
func (a Auth) String() string {
	return fmt.Sprintf("After %d wrong passwords for an account in %s from one address, that address cannot "+
		"sign in to it for %s; after %d from all addresses together, nobody can. A session ends after %s "+
		"without use, or %s after signing in. API tokens last %d days.",
		a.LockoutFailures, span(a.LockoutWindow), span(a.LockoutFor), a.AccountFailures, span(a.SessionIdle),
		span(a.SessionLifetime), a.TokenDays)
}

// span is a duration in words ("15 minutes", "12 hours", "1 hour 30
// minutes"), not Go's "15m0s".
func span(d time.Duration) string {
	word := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	h, m := int(d/time.Hour), int((d%time.Hour)/time.Minute)
	switch {
	case h > 0 && m > 0:
		return word(h, "hour") + " " + word(m, "minute")
	case h > 0:
		return word(h, "hour")
	case m > 0:
		return word(m, "minute")
	}
	return word(int(d/time.Second), "second")
}

// DemoDefault is the shipped policy with two-step sign-in switched off
// (auth.mfa_required: none), for the demo and tests, whose accounts have
// no authenticator; a real installation never uses it.
func DemoDefault() *Policy {
	p, err := Parse(bytes.Replace(defaultYAML, []byte("mfa_required: all"), []byte("mfa_required: none"), 1))
	if err != nil || p.Auth.MFARequired != "none" {
		panic(fmt.Sprintf("policy: the demo policy: %v", err))
	}
	return p
}
