package web

import "html/template"

// signInFuncs are the template functions of sign-in and account pages.
var signInFuncs = template.FuncMap{}
