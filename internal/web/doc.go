// Package web serves Holdfast's pages for people in a browser: server-rendered
// GOV.UK Design System pages over the same service layer as the API.
package web
