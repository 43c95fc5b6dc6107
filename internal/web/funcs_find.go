package web

import "html/template"

// findFuncs are the template functions of work lists, the inbox, search and case lists.
var findFuncs = template.FuncMap{}
