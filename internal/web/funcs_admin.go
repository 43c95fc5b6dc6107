package web

import "html/template"

// adminFuncs are the template functions of audit and administration pages.
var adminFuncs = template.FuncMap{}
