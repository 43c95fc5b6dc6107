package web

import "html/template"

// caseFuncs are the template functions of the case pages.
var caseFuncs = template.FuncMap{}
