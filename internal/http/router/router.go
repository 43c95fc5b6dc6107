// Package router is the one place the API and the pages are mounted: /api/ to the JSON API, the rest to the pages.
// It is not internal/server, which only runs a handler (health, draining, headers); app builds this one for all.
package router

import (
	"net/http"

	"github.com/holdfast/holdfast/internal/api"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/web"
)

// New builds the API and the pages over svc. secureCookies marks session
// cookies Secure (behind TLS).
func New(svc *service.Service, secureCookies bool) (http.Handler, error) {
	pages, err := web.New(svc, secureCookies)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(svc, secureCookies))
	mux.Handle("/", pages)
	return request.Guard(svc, secureCookies, mux), nil // client address, HSTS, refusals in the security log
}
