// Package api is the JSON interface under /api/v1: a thin shell that decodes
// requests, calls the service layer and writes RFC 9457 problems.
package api
