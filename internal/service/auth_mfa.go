package service

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// Two-step sign-in (docs/security.md): after the password, a six-digit
// code from an authenticator app (TOTP, RFC 6238: 30-second steps, SHA-1,
// the step before and after accepted for clock drift) or one of ten
// one-time recovery codes. A code's time step is recorded when it is used
// and a code of that step or an earlier one is never accepted again, on
// any instance (the step is stored with a conditional update). Wrong codes
// count towards the account's lockout like wrong passwords. The policy's
// auth.mfa_required says whose accounts must enrol: all (the default),
// administrators, or none (the demo and tests).

// Session stages: a session that has passed only the password.
const (
	StageMFA   = "mfa"   // waits for a code
	StageEnrol = "enrol" // must enrol a second factor first
)

// pendingFor is how long a half-finished sign-in lasts.
const pendingFor = 10 * time.Minute

// More security event types (auth_log.go).
const (
	EvPasswordAccepted = "security.password_accepted"
	EvMFAEnrolled      = "security.mfa_enrolled"
	EvMFAReset         = "security.mfa_reset"
	EvRecoveryUsed     = "security.recovery_code_used"
)

// stageFor is the stage a new session of u starts in.
func (s *Service) stageFor(ctx context.Context, as store.AuthStore, u *domain.User) (string, error) {
	sf, err := as.SecondFactor(ctx, u.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if sf != nil && sf.Secret != "" {
		return StageMFA, nil
	}
	if pk, err := as.Passkeys(ctx, u.ID); err != nil {
		return "", err
	} else if len(pk) > 0 && s.PasskeysOn() {
		return StageMFA, nil
	}
	if s.Policy().Auth.MFAFor(u.HasRole(domain.RoleAdmin)) {
		return StageEnrol, nil
	}
	return "", nil
}

// PendingSignIn resolves a session that has passed the password but not the
// second step: its actor and stage.
func (s *Service) PendingSignIn(ctx context.Context, token string) (*Actor, string, error) {
	as, err := s.authStore()
	if err != nil {
		return nil, "", err
	}
	sess, err := as.SessionRow(ctx, tokenHash(token))
	if err != nil {
		return nil, "", notSignedIn("check the sign-in", err)
	}
	if sess.Stage == "" || !s.clock.Now().Before(sess.Expires) {
		return nil, "", fmt.Errorf("sign in again: %w", ErrUnauthenticated)
	}
	a, err := s.actor(ctx, sess.UserID)
	if err != nil {
		return nil, "", err
	}
	return a, sess.Stage, nil
}

// errBadCode is the one answer to a refused second step.
var errBadCode = fmt.Errorf("the code is not right, or was used already: enter the newest code from your "+
	"authenticator app, or a recovery code: %w", ErrUnauthenticated)

// normalCode strips what people type around a code.
func normalCode(code string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(code)))
}

// totpStep finds the step within one of now whose code is code, if any.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / 30
	found, step := false, int64(0)
	for st := cur - 1; st <= cur+1; st++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*30, 0),
			totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && hmac.Equal([]byte(want), []byte(code)) && !found {
			found, step = true, st
		}
	}
	return step, found
}

func recoveryHash(userID, code string) []byte {
	h := sha256.Sum256([]byte("holdfast recovery code\x00" + userID + "\x00" + code))
	return h[:]
}

// SecondStep finishes a sign-in with a TOTP code or a recovery code, and
// returns the full session (a new token: the half-finished one ends).
func (s *Service) SecondStep(ctx context.Context, token, code string) (*Session, error) {
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	a, stage, err := s.PendingSignIn(ctx, token)
	if err != nil {
		return nil, err
	}
	if stage != StageMFA {
		return nil, fmt.Errorf("set up two-step sign-in first: %w", ErrUnauthenticated)
	}
	u := &a.User
	pol := s.Policy().Auth
	now := s.clock.Now()
	lock, err := s.lockStateOf(ctx, as, u.Username, ClientOf(ctx).Address, now, pol)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
	}
	sf, err := as.SecondFactor(ctx, u.ID)
	if err != nil {
		return nil, notSignedIn("read the second factor", err)
	}
	code = normalCode(code)
	th := tokenHash(token)
	used := ""
	if lock.locked.IsZero() {
		err = s.st.Write(ctx, func(tx store.Tx) error {
			// The write may run twice (store.Store.Write): a code the first
			// run accepted, the second may find used by another request.
			used = ""
			ax := tx.(store.AuthTx)
			if step, ok := totpStep(sf.Secret, code, now); ok {
				fresh, err := ax.UseTOTPStep(u.ID, step)
				if err != nil || !fresh {
					return err // a replayed code: refused below
				}
				used = "an authentication code"
			} else if len(code) >= 10 {
				ok, err := ax.UseRecoveryCode(u.ID, recoveryHash(u.ID, code), now)
				if err != nil || !ok {
					return err
				}
				used = "a recovery code"
				if err := s.secEvent(ctx, tx, EvRecoveryUsed, u.ID, SecurityEvent{UserID: u.ID,
					Subject: u.Username}); err != nil {
					return err
				}
			}
			if used == "" {
				return nil
			}
			_, err := ax.EndSession(u.ID, th)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("sign in: %w", err)
		}
	}
	if used == "" {
		why := "wrong or reused authentication code"
		if !lock.locked.IsZero() {
			why = lock.reason()
		}
		s.signInFailed(ctx, u, u.Username, why, lock, pol, now)
		return nil, errBadCode
	}
	return s.openSession(ctx, as, u, now, pol, "", "with "+used)
}

// TOTPOffer is a new TOTP secret offered to a person, to scan or type.
type TOTPOffer struct {
	Secret string `json:"secret"`
	URL    string `json:"url"` // otpauth://… for the QR code
	key    *otp.Key
}

// Key is the offer's otp key (for its QR image).
func (o *TOTPOffer) Key() *otp.Key { return o.key }

// OfferTOTP makes a new TOTP secret for a person to enrol, kept until they
// confirm it with a code. token is a sign-in waiting to enrol, or "" for
// the signed-in actor a.
func (s *Service) OfferTOTP(ctx context.Context, a *Actor, token string) (*TOTPOffer, error) {
	u, err := s.enrollee(ctx, a, token)
	if err != nil {
		return nil, err
	}
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	// The secret already offered stays until it is confirmed: a page shown
	// again (after a mistyped code) must not change what was scanned.
	if sf, err := as.SecondFactor(ctx, u.ID); err == nil && sf.Pending != "" {
		key, err := otp.NewKeyFromURL((&url.URL{Scheme: "otpauth", Host: "totp", Path: "/Holdfast:" + u.Username,
			RawQuery: url.Values{"secret": {sf.Pending}, "issuer": {"Holdfast"}, "algorithm": {"SHA1"},
				"digits": {"6"}, "period": {"30"}}.Encode()}).String())
		if err != nil {
			return nil, err
		}
		return &TOTPOffer{Secret: key.Secret(), URL: key.URL(), key: key}, nil
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Holdfast", AccountName: u.Username, Period: 30,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Rand: rand.Reader})
	if err != nil {
		return nil, err
	}
	err = s.st.Write(ctx, func(tx store.Tx) error { return tx.(store.AuthTx).OfferTOTP(u.ID, key.Secret()) })
	if err != nil {
		return nil, err
	}
	return &TOTPOffer{Secret: key.Secret(), URL: key.URL(), key: key}, nil
}

// enrollee is who is enrolling: the pending sign-in's user or the actor.
func (s *Service) enrollee(ctx context.Context, a *Actor, token string) (*domain.User, error) {
	if token != "" {
		pa, stage, err := s.PendingSignIn(ctx, token)
		if err != nil {
			return nil, err
		}
		if stage != StageEnrol {
			return nil, fmt.Errorf("sign in again: %w", ErrUnauthenticated)
		}
		return &pa.User, nil
	}
	if a == nil || a.System {
		return nil, ErrUnauthenticated
	}
	return &a.User, nil
}

// EnrolTOTP confirms the secret offered with a code from the app, makes it
// the person's second factor and returns ten one-time recovery codes (shown
// once). For a sign-in waiting to enrol (token), it also finishes the
// sign-in: the session returned replaces it.
func (s *Service) EnrolTOTP(ctx context.Context, a *Actor, token, code string) ([]string, *Session, error) {
	u, err := s.enrollee(ctx, a, token)
	if err != nil {
		return nil, nil, err
	}
	as, err := s.authStore()
	if err != nil {
		return nil, nil, err
	}
	sf, err := as.SecondFactor(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && sf.Pending == "") {
		return nil, nil, domain.Problems{{Field: "code", Rule: "no_offer",
			Message: "Start again: scan the new QR code, then enter the code it shows"}}
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.clock.Now()
	step, ok := totpStep(sf.Pending, normalCode(code), now)
	if !ok {
		return nil, nil, domain.Problems{{Field: "code", Rule: "code",
			Message: "Enter the 6-digit code your authenticator app shows now for Holdfast"}}
	}
	codes := make([]string, 10)
	hashes := make([][]byte, 10)
	for i := range codes {
		b := make([]byte, 8)
		rand.Read(b)
		c := fmt.Sprintf("%x", b)[:10]
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = recoveryHash(u.ID, c)
	}
	err = s.st.Write(ctx, func(tx store.Tx) error {
		ax := tx.(store.AuthTx)
		if err := ax.EnrolTOTP(u.ID, sf.Pending, now, step); err != nil {
			return err
		}
		if err := ax.SetRecoveryCodes(u.ID, hashes); err != nil {
			return err
		}
		if token != "" {
			if _, err := ax.EndSession(u.ID, tokenHash(token)); err != nil {
				return err
			}
		}
		return s.secEvent(ctx, tx, EvMFAEnrolled, u.ID, SecurityEvent{UserID: u.ID, Subject: u.Username,
			Detail: "authenticator app (TOTP) and 10 recovery codes"})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("enrol: %w", err)
	}
	s.alertUser(ctx, u, "two-step sign-in was set up", "An authenticator app was set up for your Holdfast "+
		"sign-in, with new recovery codes.")
	if token == "" {
		return codes, nil, nil
	}
	sess, err := s.openSession(ctx, as, u, now, s.Policy().Auth, "", "after setting up two-step sign-in")
	return codes, sess, err
}

// TwoStep is a person's second factor as their account page shows it.
type TwoStep struct {
	Enrolled      bool      `json:"enrolled"`
	Since         time.Time `json:"since,omitzero"`
	RecoveryLeft  int       `json:"recovery_codes_left"`
	Required      bool      `json:"required"`
	PolicyAllowed bool      `json:"-"`
}

// TwoStepOf says whether a has a second factor.
func (s *Service) TwoStepOf(ctx context.Context, a *Actor) (*TwoStep, error) {
	if a == nil || a.System {
		return nil, ErrUnauthenticated
	}
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	out := &TwoStep{Required: s.Policy().Auth.MFAFor(a.User.HasRole(domain.RoleAdmin))}
	sf, err := as.SecondFactor(ctx, a.ID())
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out.Enrolled, out.Since = sf.Secret != "", sf.Enrolled
	if out.RecoveryLeft, err = as.RecoveryCodesLeft(ctx, a.ID()); err != nil {
		return nil, err
	}
	return out, nil
}

// ResetTwoStepIn names whose second factor to reset.
type ResetTwoStepIn struct {
	UserID string `json:"-" path:"id"`
}

// ResetTwoStep removes a person's second factor (administrators), for one
// who lost their phone: they enrol again at their next sign-in, and every
// session of theirs ends. It is recorded in the security log, which the
// person sees among their own events.
func (s *Service) ResetTwoStep(ctx context.Context, a *Actor, in ResetTwoStepIn) error {
	if err := checkInput(in); err != nil {
		return err
	}
	if a == nil {
		return ErrUnauthenticated
	}
	if err := a.need("resetting two-step sign-in", domain.RoleAdmin); err != nil {
		return err
	}
	u, _, err := s.userAndStore(ctx, in.UserID)
	if err != nil {
		return err
	}
	if u.ID == a.ID() {
		return domain.Problems{{Field: "id", Rule: "own", Message: "Ask another administrator to reset your own " +
			"two-step sign-in"}}
	}
	err = s.st.Write(ctx, func(tx store.Tx) error {
		ax := tx.(store.AuthTx)
		if err := ax.DeleteSecondFactor(u.ID); err != nil {
			return err
		}
		n, err := ax.EndSessions(u.ID, nil)
		if err != nil {
			return err
		}
		return s.secEvent(ctx, tx, EvMFAReset, a.ID(), SecurityEvent{UserID: u.ID, Subject: u.Username,
			Detail: fmt.Sprintf("reset by an administrator; %d session(s) ended", n)})
	})
	if err != nil {
		return err
	}
	s.alertUserAfter(ctx, u, "your two-step sign-in was reset", fmt.Sprintf("%s reset your two-step sign-in. Your "+
		"sessions were signed out; you will set it up again when you next sign in.", a.User.Name))
	return nil
}

// EnrolTOTPSecret enrols a TOTP secret for a user without a code (the first
// administrator of a new installation, whose secret `serve` prints once
// beside the password). Only the system may do this.
func (s *Service) EnrolTOTPSecret(ctx context.Context, a *Actor, userID string) (*TOTPOffer, error) {
	if a == nil || !a.System {
		return nil, ErrForbidden
	}
	u, _, err := s.userAndStore(ctx, userID)
	if err != nil {
		return nil, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Holdfast", AccountName: u.Username, Period: 30,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Rand: rand.Reader})
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	err = s.st.Write(ctx, func(tx store.Tx) error {
		if err := tx.(store.AuthTx).EnrolTOTP(userID, key.Secret(), now, 0); err != nil {
			return err
		}
		return s.secEvent(ctx, tx, EvMFAEnrolled, a.ID(), SecurityEvent{UserID: userID,
			Detail: "authenticator secret issued with the first administrator's password"})
	})
	if err != nil {
		return nil, err
	}
	return &TOTPOffer{Secret: key.Secret(), URL: key.URL(), key: key}, nil
}
