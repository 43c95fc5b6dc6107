// Keeps what an officer has typed on Close case while they put something
// right on another page ("Record Evie Wilson's view", from=close) and come
// back: the close page is a GET that starts empty, so without this the
// outcome, lines considered, rationale and suspect status were lost.
//
// Why the browser's sessionStorage rather than carrying the draft through
// the sub-journey on the server: any "Put it right" link (a victim's view,
// a suspect's status, an action, a plan) would otherwise have to carry four
// free-text fields through its form and back, and the rationale is personal
// data that must never go in a URL. sessionStorage stays in this tab only,
// is gone when the tab closes, and is cleared here once the closure is
// proposed. Without JavaScript the page works as before.
const form = document.querySelector('form[data-close-draft]')
if (form) {
  const key = 'holdfast:close-draft:' + location.pathname
  const names = ['outcome', 'lines_considered', 'why_none_remain', 'suspects_status']
  const fields = names.map(n => form.elements.namedItem(n)).filter(Boolean)
  let saved = {}
  try { saved = JSON.parse(sessionStorage.getItem(key) || '{}') || {} } catch { saved = {} }
  // What the server shows (a form sent back with its problems) wins; an
  // empty field takes the draft.
  let restored = false
  for (const f of fields) {
    if (!f.value && typeof saved[f.name] === 'string' && saved[f.name] !== '') {
      f.value = saved[f.name]
      restored = true
    }
  }
  let proposing = false
  const save = () => {
    if (proposing) return
    const d = {}
    for (const f of fields) d[f.name] = f.value
    try { sessionStorage.setItem(key, JSON.stringify(d)) } catch { /* storage full or refused: the page still works */ }
  }
  save()
  form.addEventListener('input', save)
  form.addEventListener('change', save)
  window.addEventListener('pagehide', save)
  form.addEventListener('submit', e => {
    if (e.submitter && e.submitter.value === 'propose') {
      // Proposed: the draft is the proposal now. Refused, the page comes
      // back with what was typed, and is saved again from there.
      proposing = true
      sessionStorage.removeItem(key)
    }
  })
  if (restored) {
    // Refresh the closure checklist for the restored answers (htmx listens
    // for change on the form), once htmx has started.
    window.addEventListener('load', () => fields[0].dispatchEvent(new Event('change', { bubbles: true })))
  }
}
