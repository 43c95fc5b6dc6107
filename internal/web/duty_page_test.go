package web

import "testing"

// TestDutyPageForEveryKind: every duty kind done on a page of its own has
// that page, with the victim it is about; the rest go to the overview.
func TestDutyPageForEveryKind(t *testing.T) {
	ref := "CSE/2026/000355"
	for kind, want := range map[string]string{
		"link_review":          "/cases/CSE-2026-000355/links",
		"allocate_referral":    "/cases/CSE-2026-000355/do/assign-owner?from=work",
		"investigation_plan":   "/cases/CSE-2026-000355/do/plan?from=work",
		"supervisory_review":   "/cases/CSE-2026-000355/do/review?from=work",
		"first_victim_contact": "/cases/CSE-2026-000355/do/record-contact?from=work&victim=v1",
		"victim_update":        "/cases/CSE-2026-000355/do/record-contact?from=work&victim=v1",
		"contact_plan":         "/cases/CSE-2026-000355/do/contact-plan?from=work&victim=v1",
		"closure_approval":     "/cases/CSE-2026-000355/do/approve-closure?from=work",
		"transfer_accept":      "/cases/CSE-2026-000355/do/accept-transfer?from=work",
		"vrr_acknowledge":      "/cases/CSE-2026-000355/do/acknowledge-vrr?from=work",
		"vrr_review":           "/cases/CSE-2026-000355/do/decide-vrr?from=work",
		"support_referral":     "/cases/CSE-2026-000355/do/record-contact?from=work&kind=support_referral&victim=v1",
		"decision_notice":      "/cases/CSE-2026-000355/do/record-contact?from=work&kind=decision_notification&victim=v1",
		"action_target":        "/cases/CSE-2026-000355/actions",
		"action_review":        "/cases/CSE-2026-000355/do/file-action?action=v1&from=work",
		"closure_sent_back":    "/cases/CSE-2026-000355/close?from=work",
		"break_glass_review":   "",
	} {
		if got := dutyPage(kind, ref, "v1"); got != want {
			t.Errorf("%s: %q, want %q", kind, got, want)
		}
	}
}
