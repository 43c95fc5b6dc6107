// Holdfast's page script: turns on GOV.UK Frontend's components. Pages work
// without it; it only adds behaviour (error summary focus, details, etc.).
import { initAll } from './govuk-frontend.min.js'
document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
